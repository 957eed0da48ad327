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

package dev.pingora.autoconfigure;

import java.util.Map;

import dev.pingora.lb.LoadBalancer;
import dev.pingora.routing.UpstreamGroup;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.cloud.client.discovery.ReactiveDiscoveryClient;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

/**
 * Auto-configuration of the upstreams under {@code pingora.upstreams}: a
 * {@link PingoraUpstreams} bean, one {@link LoadBalancer} bean per upstream (qualified by
 * its name), and, with spring-cloud-commons, discovery of backends through Spring Cloud's
 * {@code ReactiveDiscoveryClient}. The server runs each load balancer's discovery and
 * health checks in the background.
 *
 * @since 0.1.0
 */
@AutoConfiguration(before = PingoraRoutingAutoConfiguration.class)
@ConditionalOnPingoraEnabled
@EnableConfigurationProperties(PingoraRoutingProperties.class)
@Import(PingoraLoadBalancerRegistrar.class)
public final class PingoraLoadBalancingAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	PingoraUpstreams pingoraUpstreams(PingoraRoutingProperties properties,
			ObjectProvider<ServiceDiscoveryFactory> discovery) {
		ServiceDiscoveryFactory factory = discovery.getIfAvailable();
		Map<String, UpstreamGroup> upstreams = PingoraConfigurationMapper.upstreams(properties,
				(factory != null) ? factory::create : null);
		return new PingoraUpstreams(upstreams);
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(ReactiveDiscoveryClient.class)
	static class SpringCloudDiscoveryConfiguration {

		@Bean
		@ConditionalOnMissingBean
		ServiceDiscoveryFactory pingoraServiceDiscoveryFactory(ObjectProvider<ReactiveDiscoveryClient> clients) {
			return (serviceId) -> {
				ReactiveDiscoveryClient client = clients.getIfAvailable();
				if (client == null) {
					throw new IllegalStateException("no ReactiveDiscoveryClient bean");
				}
				return new ReactiveDiscoveryClientServiceDiscovery(client, serviceId);
			};
		}

	}

}
