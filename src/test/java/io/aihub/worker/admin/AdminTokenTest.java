package io.aihub.worker.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;

import org.junit.jupiter.api.Test;

/** The admin token: how it is read from the request, compared, and required at start-up. */
class AdminTokenTest {

    @Test
    void enabled_without_a_token_refuses_to_start_and_names_the_setting() {
        assertThatThrownBy(() -> AdminIdentityProvider.requireToken(true, false))
                .hasMessageContaining("worker.admin.token (WORKER_ADMIN_TOKEN)");
        assertThatCode(() -> AdminIdentityProvider.requireToken(false, false)).doesNotThrowAnyException();
        assertThatCode(() -> AdminIdentityProvider.requireToken(true, true)).doesNotThrowAnyException();
    }

    @Test
    void only_the_exact_token_is_accepted() {
        AdminIdentityProvider provider = new AdminIdentityProvider(true, Optional.of("s3cret-admin"));

        assertThat(provider.accepts("s3cret-admin")).isTrue();
        assertThat(provider.accepts("s3cret-admin2")).isFalse();
        assertThat(provider.accepts("s3cret-admi")).isFalse();
        assertThat(provider.accepts("S3CRET-ADMIN")).isFalse();
        assertThat(provider.accepts(null)).isFalse();
        assertThat(new AdminIdentityProvider(true, Optional.of("  ")).accepts("  ")).isFalse();
    }

    @Test
    void while_disabled_not_even_the_configured_token_is_accepted() {
        assertThat(new AdminIdentityProvider(false, Optional.of("s3cret-admin")).accepts("s3cret-admin")).isFalse();
    }

    @Test
    void the_token_is_read_from_a_bearer_authorization_header_only() {
        assertThat(AdminTokenMechanism.bearerToken("Bearer s3cret")).contains("s3cret");
        assertThat(AdminTokenMechanism.bearerToken("bearer s3cret ")).contains("s3cret");
        assertThat(AdminTokenMechanism.bearerToken("Basic czNjcmV0")).isEmpty();
        assertThat(AdminTokenMechanism.bearerToken("s3cret")).isEmpty();
        assertThat(AdminTokenMechanism.bearerToken("Bearer ")).isEmpty();
        assertThat(AdminTokenMechanism.bearerToken(null)).isEmpty();
    }
}
