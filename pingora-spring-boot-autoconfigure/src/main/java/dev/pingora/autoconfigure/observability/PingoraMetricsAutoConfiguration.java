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

import dev.pingora.autoconfigure.PingoraServerAutoConfiguration;
import dev.pingora.autoconfigure.PingoraUpstreams;
import dev.pingora.metrics.LoadBalancerMetrics;
import dev.pingora.metrics.MetricsFilter;
import dev.pingora.proxy.ProxyFilterOrder;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.core.annotation.Order;

/**
 * Auto-configuration of the proxy's request metrics: a {@link MetricsFilter} that records
 * {@code pingora.requests}, {@code pingora.upstream.connect} and
 * {@code pingora.upstream.first.byte} in the application's {@link MeterRegistry}, and
 * {@link LoadBalancerMetrics} of every upstream's backends ({@code pingora.backend.*},
 * {@code pingora.upstream.backends}).
 *
 * @since 0.1.0
 */
@AutoConfiguration(before = PingoraServerAutoConfiguration.class,
		afterName = "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration")
@ConditionalOnClass(MeterRegistry.class)
@ConditionalOnBean(MeterRegistry.class)
@ConditionalOnBooleanProperty(name = "pingora.metrics.enabled", matchIfMissing = true)
public final class PingoraMetricsAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	@Order(ProxyFilterOrder.METRICS)
	MetricsFilter pingoraMetricsFilter(MeterRegistry registry) {
		return new MetricsFilter(registry);
	}

	@Bean
	@ConditionalOnMissingBean
	LoadBalancerMetrics pingoraLoadBalancerMetrics(ObjectProvider<PingoraUpstreams> upstreams,
			ListableBeanFactory beans) {
		return new LoadBalancerMetrics(LoadBalancers.named(upstreams.getIfAvailable(), beans));
	}

}
