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

package dev.pingora.samples.yamlgateway;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * A gateway without proxy code: the application declares no {@code ProxyHttp} bean, so
 * the starter runs its routing proxy, configured by the {@code pingora.upstreams} and
 * {@code pingora.routes} in {@code application.yml}.
 *
 * @since 0.1.0
 */
// tag::sample[]
@SpringBootApplication
public class YamlGatewayApplication {

	public static void main(String[] args) {
		SpringApplication.run(YamlGatewayApplication.class, args);
	}

}
// end::sample[]
