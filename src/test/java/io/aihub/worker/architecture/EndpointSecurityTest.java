package io.aihub.worker.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Path;

import org.junit.jupiter.api.Test;

import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;

/**
 * Every HTTP resource of the worker (REST client interfaces aside) is an admin resource and says so with {@code @RolesAllowed}
 * on its class, where
 * the check follows the resource whatever path reaches it ({@code quarkus.security.jaxrs.deny-unannotated-endpoints}
 * refuses an unannotated one at run time too).
 */
class EndpointSecurityTest {

    @Test
    void every_resource_class_requires_the_admin_role() {
        classes().that().areAnnotatedWith(Path.class).and().areNotInterfaces().should().beAnnotatedWith(RolesAllowed.class)
                .andShould().resideInAPackage("io.aihub.worker.admin")
                .check(new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                        .importPackages("io.aihub.worker"));
    }
}
