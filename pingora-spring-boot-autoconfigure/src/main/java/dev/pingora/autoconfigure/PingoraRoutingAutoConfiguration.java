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

import dev.pingora.cache.CacheConfig;
import dev.pingora.proxy.ProxyHttp;
import dev.pingora.routing.RoutingProxy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of the routing proxy: when the application declares no
 * {@link ProxyHttp} bean, one that routes requests by {@code pingora.routes} to the
 * {@link PingoraUpstreams}.
 *
 * @since 0.1.0
 */
@AutoConfiguration
@ConditionalOnPingoraEnabled
@EnableConfigurationProperties({ PingoraRoutingProperties.class, PingoraCacheProperties.class })
public final class PingoraRoutingAutoConfiguration {

	private static final Logger logger = LoggerFactory.getLogger(PingoraRoutingAutoConfiguration.class);

	@Bean
	@ConditionalOnMissingBean(ProxyHttp.class)
	RoutingProxy pingoraRoutingProxy(PingoraRoutingProperties properties, PingoraUpstreams upstreams,
			PingoraCacheProperties cacheProperties, ObjectProvider<CacheConfig> cache) {
		CacheConfig config = cache.getIfAvailable();
		RoutingProxy proxy = PingoraConfigurationMapper.routingProxy(properties, upstreams.asMap(),
				(config != null) ? PingoraConfigurationMapper.caching(cacheProperties, config) : null);
		if (proxy.routes().routes().isEmpty()) {
			logger.warn("No pingora.routes are configured and no ProxyHttp bean is declared: "
					+ "the proxy will answer every request with 404");
		}
		return proxy;
	}

}
