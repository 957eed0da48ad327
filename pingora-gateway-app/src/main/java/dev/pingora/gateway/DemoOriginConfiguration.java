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

package dev.pingora.gateway;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Starts the demo origin when {@code gateway.demo.enabled} is true (the default
 * configuration's choice).
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnBooleanProperty("gateway.demo.enabled")
class DemoOriginConfiguration {

	@Bean
	DemoOrigin demoOrigin(@Value("${gateway.demo.host:127.0.0.1}") String host,
			@Value("${gateway.demo.port:8090}") int port) {
		return new DemoOrigin(host, port);
	}

}
