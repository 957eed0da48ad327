/*
 * Copyright 2026 the pingora-spring-boot authors.
 *
 * Licensed under the Apache License, Version 2.0 (the "License");
 * you may not use this file except in compliance with the License.
 * You may obtain a copy of the License at
 *
 *      https://www.apache.org/licenses/LICENSE-2.0
 *
 * Unless required by applicable law or agreed to in writing, software
 * distributed under the License is distributed on an "AS IS" BASIS,
 * WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
 * See the License for the specific language governing permissions and
 * limitations under the License.
 */

package dev.pingora.arch;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/**
 * Tests for the engine's architecture rules.
 */
class ArchitectureTests {

	private static final JavaClasses ENGINE = new ClassFileImporter()
		.withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
		.importPackages("dev.pingora");

	@Test
	void theEngineImportsNothingFromSpring() {
		noClasses().should().dependOnClassesThat().resideInAPackage("org.springframework..").check(ENGINE);
	}

	@Test
	void theUserApiDoesNotDependOnTheEngineInternals() {
		noClasses().that()
			.resideInAnyPackage("dev.pingora.proxy", "dev.pingora.http", "dev.pingora.error", "dev.pingora.upstream",
					"dev.pingora.lb", "dev.pingora.routing", "dev.pingora.metrics")
			.should()
			.dependOnClassesThat()
			.resideInAPackage("dev.pingora.proxy.engine..")
			.check(ENGINE);
	}

}
