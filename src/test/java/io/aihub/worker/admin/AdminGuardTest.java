package io.aihub.worker.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;

import org.junit.jupiter.api.Test;

class AdminGuardTest {

    private static AdminGuard guard(boolean enabled, Optional<String> token) {
        return new AdminGuard(new AdminConfig() {
            @Override
            public boolean enabled() {
                return enabled;
            }

            @Override
            public Optional<String> token() {
                return token;
            }
        });
    }

    @Test
    void enabled_without_a_token_refuses_to_start_and_names_the_setting() {
        assertThatThrownBy(() -> AdminGuard.requireToken(true, false))
                .hasMessageContaining("worker.admin.token (WORKER_ADMIN_TOKEN)");
        assertThatCode(() -> AdminGuard.requireToken(false, false)).doesNotThrowAnyException();
        assertThatCode(() -> AdminGuard.requireToken(true, true)).doesNotThrowAnyException();
    }

    @Test
    void only_the_exact_bearer_token_is_authorized() {
        AdminGuard guard = guard(true, Optional.of("s3cret-admin"));

        assertThat(guard.authorized("Bearer s3cret-admin")).isTrue();
        assertThat(guard.authorized("bearer s3cret-admin")).isTrue();
        assertThat(guard.authorized("Bearer s3cret-admin2")).isFalse();
        assertThat(guard.authorized("Bearer s3cret-admi")).isFalse();
        assertThat(guard.authorized("s3cret-admin")).isFalse();
        assertThat(guard.authorized(null)).isFalse();
        assertThat(guard(true, Optional.of("  ")).authorized("Bearer   ")).isFalse();
    }
}
