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

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;

import dev.pingora.proxy.FilteredProxyHttp;
import dev.pingora.proxy.ProxyFilter;
import dev.pingora.proxy.ProxyHttp;
import dev.pingora.server.BackgroundService;
import dev.pingora.server.Listener;
import dev.pingora.server.Server;
import dev.pingora.server.ServerConf;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.springframework.util.ClassUtils;

/**
 * Auto-configuration of the Pingora proxy server: the {@link ServerConf} from
 * {@code pingora.server.*}, and a {@link Server} that runs the application's
 * {@link ProxyHttp} (or the routing proxy) inside its {@link ProxyFilter} beans, with
 * every {@link BackgroundService} bean (such as the upstreams' load balancers) running
 * beside it, started and stopped with the context.
 *
 * @since 0.1.0
 */
@AutoConfiguration(after = PingoraRoutingAutoConfiguration.class)
@ConditionalOnPingoraEnabled
@EnableConfigurationProperties(PingoraServerProperties.class)
public final class PingoraServerAutoConfiguration {

	private static final String WEB_SERVER_CONTEXT = "org.springframework.boot.web.server.context.WebServerApplicationContext";

	@Bean
	@ConditionalOnMissingBean
	ServerConf pingoraServerConf(PingoraServerProperties properties, Environment environment) {
		Duration phaseTimeout = Binder.get(environment)
			.bind("spring.lifecycle.timeout-per-shutdown-phase", Duration.class)
			.orElse(Duration.ofSeconds(30));
		return PingoraConfigurationMapper.serverConf(properties, phaseTimeout);
	}

	@Bean
	@ConditionalOnMissingBean
	PingoraServerLifecycle pingoraServer(ServerConf conf, PingoraServerProperties properties, ProxyHttp<?> proxy,
			ObjectProvider<ProxyFilter> filters, ObjectProvider<DownstreamConnectionCustomizer> downstreamCustomizers,
			ObjectProvider<UpstreamConnectionCustomizer> connectionCustomizers,
			ObjectProvider<BackgroundService> services, ObjectProvider<SslBundles> sslBundles,
			ApplicationContext context, Environment environment) {
		List<Listener> listeners = PingoraConfigurationMapper.listeners(properties, context,
				sslBundles.getIfAvailable());
		checkPorts(listeners, context, environment);
		Server.Builder builder = Server.builder().conf(conf).proxy(compose(proxy, filters.orderedStream().toList()));
		listeners.forEach(builder::listen);
		downstreamCustomizers.orderedStream().forEach(builder::downstreamConnectionCustomizer);
		connectionCustomizers.orderedStream().forEach(builder::upstreamConnectionCustomizer);
		services.orderedStream().forEach(builder::backgroundService);
		return new PingoraServerLifecycle(builder.build());
	}

	private static <C> ProxyHttp<C> compose(ProxyHttp<C> proxy, List<ProxyFilter> filters) {
		return FilteredProxyHttp.of(proxy, filters);
	}

	/**
	 * The proxy and the application's web server (where Actuator runs) must not share a
	 * port: say so before either fails to bind with a less helpful message.
	 */
	private static void checkPorts(List<Listener> listeners, ApplicationContext context, Environment environment) {
		Integer managementPort = environment.getProperty("management.server.port", Integer.class);
		boolean webServer = ClassUtils.isPresent(WEB_SERVER_CONTEXT, context.getClassLoader())
				&& isWebServerContext(context);
		Integer serverPort = webServer ? environment.getProperty("server.port", Integer.class, 8080) : null;
		for (int i = 0; i < listeners.size(); i++) {
			Listener listener = listeners.get(i);
			if (listener.isUnix() || !(listener.bindAddress() instanceof InetSocketAddress inet)
					|| inet.getPort() == 0) {
				continue;
			}
			String property = "pingora.server.listeners[" + i + "].address";
			if (serverPort != null && serverPort == inet.getPort()) {
				throw new InvalidConfigurationPropertyValueException(property, listener.toString(),
						"The proxy and the application's web server (server.port=" + serverPort
								+ ", where Actuator runs) cannot share a port; set server.port to another port, "
								+ "for example 8081, or choose another proxy port.");
			}
			if (managementPort != null && managementPort == inet.getPort()) {
				throw new InvalidConfigurationPropertyValueException(property, listener.toString(),
						"The proxy and the management server (management.server.port=" + managementPort
								+ ") cannot share a port; choose different ports.");
			}
		}
	}

	private static boolean isWebServerContext(ApplicationContext context) {
		try {
			return ClassUtils.forName(WEB_SERVER_CONTEXT, context.getClassLoader()).isInstance(context);
		}
		catch (ClassNotFoundException | LinkageError ex) {
			return false;
		}
	}

}
