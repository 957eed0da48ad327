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

import dev.pingora.actuate.health.PingoraHealthIndicator;
import dev.pingora.autoconfigure.PingoraServerAutoConfiguration;
import dev.pingora.autoconfigure.PingoraServerLifecycle;
import dev.pingora.autoconfigure.PingoraUpstreams;
import dev.pingora.routing.RoutingProxy;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.ReactiveHealthIndicator;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of the {@code pingora} health component.
 *
 * @since 0.1.0
 */
@AutoConfiguration(after = PingoraServerAutoConfiguration.class)
@ConditionalOnClass({ ReactiveHealthIndicator.class, ConditionalOnEnabledHealthIndicator.class })
@ConditionalOnBean(PingoraServerLifecycle.class)
@ConditionalOnEnabledHealthIndicator("pingora")
public final class PingoraHealthAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(name = "pingoraHealthIndicator")
	PingoraHealthIndicator pingoraHealthIndicator(PingoraServerLifecycle server, ObjectProvider<RoutingProxy> routing,
			ObjectProvider<PingoraUpstreams> upstreams, ListableBeanFactory beans) {
		return new PingoraHealthIndicator(server.getServer(), routing.getIfAvailable(),
				LoadBalancers.named(upstreams.getIfAvailable(), beans));
	}

}
