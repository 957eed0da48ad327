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

package dev.pingora.autoconfigure.observability;

import java.util.Map;

import dev.pingora.actuate.endpoint.PingoraEndpoint;
import dev.pingora.autoconfigure.PingoraServerAutoConfiguration;
import dev.pingora.autoconfigure.PingoraServerLifecycle;
import dev.pingora.autoconfigure.PingoraUpstreams;
import dev.pingora.cache.CacheConfig;
import dev.pingora.routing.RoutingProxy;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of the {@code pingora} Actuator endpoint.
 *
 * @since 0.1.0
 */
@AutoConfiguration(after = PingoraServerAutoConfiguration.class)
@ConditionalOnClass({ Endpoint.class, ConditionalOnAvailableEndpoint.class })
@ConditionalOnBean(PingoraServerLifecycle.class)
@ConditionalOnAvailableEndpoint(PingoraEndpoint.class)
public final class PingoraEndpointAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	PingoraEndpoint pingoraEndpoint(PingoraServerLifecycle server, ObjectProvider<RoutingProxy> routing,
			ObjectProvider<PingoraUpstreams> upstreams, ObjectProvider<CacheConfig> cache, ListableBeanFactory beans) {
		PingoraUpstreams configured = upstreams.getIfAvailable();
		return new PingoraEndpoint(server.getServer(), routing.getIfAvailable(),
				(configured != null) ? configured.asMap() : Map.of(), LoadBalancers.named(configured, beans),
				cache.getIfAvailable());
	}

}
