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

import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;

import dev.pingora.proxy.ProxyFilter;
import dev.pingora.proxy.ProxyHttp;
import dev.pingora.proxy.Session;
import dev.pingora.routing.RoutingProxy;
import dev.pingora.routing.UpstreamGroup;
import dev.pingora.server.Listener;
import dev.pingora.server.ListenerBindException;
import dev.pingora.server.ServerConf;
import dev.pingora.upstream.PeerOptions;
import dev.pingora.test.ForwardingProxy;
import dev.pingora.test.RawHttpClient;
import dev.pingora.test.TestCertificates;
import dev.pingora.test.TestOrigin;
import dev.pingora.test.TlsClient;
import dev.pingora.http.ResponseHeader;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.core.io.ClassPathResource;
import org.springframework.core.io.support.PropertiesLoaderUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link PingoraServerAutoConfiguration} and
 * {@link PingoraRoutingAutoConfiguration}.
 */
class PingoraServerAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(PingoraLoadBalancingAutoConfiguration.class,
				PingoraRoutingAutoConfiguration.class, PingoraServerAutoConfiguration.class))
		.withPropertyValues("pingora.server.listeners[0].address=127.0.0.1:0", "pingora.server.threads=1");

	@Test
	void defaultsRunTheRoutingProxyFromProperties() {
		try (TestOrigin origin = TestOrigin.hello("routed")) {
			this.runner
				.withPropertyValues("pingora.upstreams.api.backends[0].address=127.0.0.1:" + origin.port(),
						"pingora.routes[0].path-prefix=/api", "pingora.routes[0].upstream=api",
						"pingora.routes[0].strip-prefix=true")
				.run((context) -> {
					assertThat(context).hasSingleBean(ServerConf.class)
						.hasSingleBean(RoutingProxy.class)
						.hasSingleBean(PingoraServerLifecycle.class);
					PingoraServerLifecycle lifecycle = context.getBean(PingoraServerLifecycle.class);
					assertThat(lifecycle.isRunning()).isTrue();
					try (RawHttpClient client = new RawHttpClient(lifecycle.getServer().port())) {
						assertThat(client.exchange("GET /api/x HTTP/1.1\r\nHost: a\r\n\r\n").text())
							.isEqualTo("routed");
						assertThat(client.exchange("GET /other HTTP/1.1\r\nHost: a\r\n\r\n").status()).isEqualTo(404);
					}
					assertThat(origin.lastRequest().uri()).isEqualTo("/x");
				});
		}
	}

	@Test
	void propertiesReachTheServerConf() {
		this.runner
			.withPropertyValues("pingora.server.max-retries=3", "pingora.server.keepalive-timeout=5s",
					"pingora.server.max-header-size=32KB", "pingora.server.forwarded-headers=true",
					"pingora.server.grace-period=2m", "spring.lifecycle.timeout-per-shutdown-phase=20s",
					"pingora.server.http2.max-concurrent-streams=16", "pingora.server.http2.initial-window-size=256KB",
					"pingora.server.http2.upstream-max-concurrent-streams=8")
			.run((context) -> {
				ServerConf conf = context.getBean(ServerConf.class);
				assertThat(conf.maxRetries()).isEqualTo(3);
				assertThat(conf.http2()).isTrue();
				assertThat(conf.http2MaxConcurrentStreams()).isEqualTo(16);
				assertThat(conf.http2InitialWindowSize()).isEqualTo(256 * 1024);
				assertThat(conf.http2UpstreamMaxStreams()).isEqualTo(8);
				assertThat(conf.keepaliveTimeout()).hasSeconds(5);
				assertThat(conf.maxHeaderSize()).isEqualTo(32 * 1024);
				assertThat(conf.forwardedHeaders()).isTrue();
				// The grace period fits in Spring's shutdown phase.
				assertThat(conf.gracePeriod()).hasSeconds(19);
				assertThat(conf.threads()).isEqualTo(1);
			});
	}

	@Test
	void aUserProxyHttpBeanWinsAndFilterBeansRunAroundItInOrder() {
		try (TestOrigin origin = TestOrigin.hello("custom")) {
			this.runner.withBean(ProxyHttp.class, () -> new ForwardingProxy(origin.port()))
				.withUserConfiguration(Filters.class)
				.run((context) -> {
					assertThat(context).doesNotHaveBean(RoutingProxy.class);
					int port = context.getBean(PingoraServerLifecycle.class).getServer().port();
					try (RawHttpClient client = new RawHttpClient(port)) {
						RawHttpClient.Response response = client.exchange("GET / HTTP/1.1\r\nHost: a\r\n\r\n");
						assertThat(response.text()).isEqualTo("custom");
						assertThat(response.header("x-filters")).isEqualTo("second,first");
					}
				});
		}
	}

	@Test
	void userBeansReplaceTheDefaults() {
		this.runner.withBean(ServerConf.class, () -> ServerConf.builder().threads(1).maxRetries(5).build())
			.run((context) -> assertThat(context.getBean(ServerConf.class).maxRetries()).isEqualTo(5));
	}

	@Test
	void downstreamConnectionCustomizersSeeEveryAcceptedConnection() {
		AtomicInteger connections = new AtomicInteger();
		this.runner.withBean(DownstreamConnectionCustomizer.class, () -> (channel) -> {
			assertThat(channel.pipeline().get("pingora.httpCodec")).isNotNull();
			connections.incrementAndGet();
		}).run((context) -> {
			int port = context.getBean(PingoraServerLifecycle.class).getServer().port();
			for (int i = 0; i < 2; i++) {
				try (RawHttpClient client = new RawHttpClient(port)) {
					client.exchange("GET / HTTP/1.1\r\nHost: a\r\n\r\n");
				}
			}
			assertThat(connections).hasValue(2);
		});
	}

	@Test
	void theServerCanBeSwitchedOff() {
		this.runner.withPropertyValues("pingora.server.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(PingoraServerLifecycle.class)
				.doesNotHaveBean(RoutingProxy.class));
	}

	@Test
	void invalidPropertiesFailTheStartWithTheirName() {
		this.runner
			.withPropertyValues("pingora.upstreams.api.backends[0].address=127.0.0.1:9",
					"pingora.routes[0].upstream=apu")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageContaining("pingora.routes[0].upstream")
				.hasMessageContaining("[api]"));
		this.runner
			.withPropertyValues("pingora.upstreams.api.backends[0].address=localhost", "pingora.routes[0].upstream=api")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("pingora.upstreams.api.backends[0].address")
				.hasMessageContaining("expected: host:port"));
		this.runner
			.withPropertyValues("pingora.upstreams.api.backends[0].address=127.0.0.1:9",
					"pingora.upstreams.api.peer.read-timeout=-1s", "pingora.routes[0].upstream=api")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("pingora.upstreams.api.peer.read-timeout"));
		this.runner.withPropertyValues("pingora.server.listeners[0].address=nowhere")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("pingora.server.listeners[0].address"));
	}

	@Test
	void aListenerTerminatesTlsWithPemFilesFromProperties() throws Exception {
		TestCertificates certificates = TestCertificates.issue("gateway.test");
		try (TestOrigin origin = TestOrigin.hello("over tls")) {
			this.runner
				.withPropertyValues("pingora.upstreams.api.backends[0].address=127.0.0.1:" + origin.port(),
						"pingora.routes[0].upstream=api", "pingora.server.forwarded-headers=true",
						"pingora.server.listeners[0].tls.certificate=file:" + certificates.chain(),
						"pingora.server.listeners[0].tls.private-key=file:" + certificates.key())
				.run((context) -> {
					assertThat(context).hasNotFailed();
					int port = context.getBean(PingoraServerLifecycle.class).getServer().port();
					TlsClient.Exchange exchange = TlsClient.trusting(certificates.rootPem(), null, null)
						.get(port, "gateway.test", "/");
					assertThat(exchange.subject()).contains("CN=gateway.test");
					assertThat(exchange.response()).startsWith("HTTP/1.1 200").endsWith("over tls");
					// X-Forwarded-Proto tells the upstream the client came over TLS.
					assertThat(origin.lastRequest().headers().get("X-Forwarded-Proto")).isEqualTo("https");
				});
		}
	}

	@Test
	void aListenerTerminatesTlsWithASpringSslBundle() throws Exception {
		TestCertificates certificates = TestCertificates.issue("bundle.test");
		try (TestOrigin origin = TestOrigin.hello("from a bundle")) {
			this.runner.withConfiguration(AutoConfigurations.of(SslAutoConfiguration.class))
				.withPropertyValues("pingora.upstreams.api.backends[0].address=127.0.0.1:" + origin.port(),
						"pingora.routes[0].upstream=api",
						"spring.ssl.bundle.pem.gateway.keystore.certificate=file:" + certificates.chain(),
						"spring.ssl.bundle.pem.gateway.keystore.private-key=file:" + certificates.key(),
						"pingora.server.listeners[0].tls.bundle=gateway")
				.run((context) -> {
					assertThat(context).hasNotFailed();
					int port = context.getBean(PingoraServerLifecycle.class).getServer().port();
					TlsClient.Exchange exchange = TlsClient.trusting(certificates.rootPem(), null, null)
						.get(port, "bundle.test", "/");
					assertThat(exchange.subject()).contains("CN=bundle.test");
					assertThat(exchange.response()).endsWith("from a bundle");
				});
			this.runner.withConfiguration(AutoConfigurations.of(SslAutoConfiguration.class))
				.withPropertyValues("pingora.server.listeners[0].tls.bundle=missing")
				.run((context) -> assertThat(context).getFailure()
					.rootCause()
					.hasMessageContaining("pingora.server.listeners[0].tls.bundle"));
		}
	}

	@Test
	void invalidTlsPropertiesFailTheStartWithTheirName() throws Exception {
		TestCertificates certificates = TestCertificates.issue("gateway.test");
		this.runner
			.withPropertyValues("pingora.server.listeners[0].tls.certificate=file:" + certificates.chain(),
					"pingora.server.listeners[0].tls.private-key=file:/nowhere/key.pem")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageContaining("pingora.server.listeners[0].tls.private-key"));
		this.runner
			.withPropertyValues("pingora.server.listeners[0].tls.certificate=file:" + certificates.chain(),
					"pingora.server.listeners[0].tls.private-key=file:" + certificates.key(),
					"pingora.server.listeners[0].tls.client-auth=require")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("pingora.server.listeners[0].tls.trust-certificates"));
		this.runner
			.withPropertyValues("pingora.server.listeners[0].tls.certificate=file:" + certificates.chain(),
					"pingora.server.listeners[0].tls.private-key=file:" + certificates.chain())
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("pingora.server.listeners[0].tls.certificate"));
	}

	@Test
	void aZeroTimeoutMeansNone() {
		this.runner
			.withPropertyValues("pingora.server.read-timeout=0s",
					"pingora.upstreams.api.backends[0].address=127.0.0.1:9",
					"pingora.upstreams.api.peer.read-timeout=0s", "pingora.routes[0].upstream=api")
			.run((context) -> {
				assertThat(context.getBean(ServerConf.class).readTimeout()).isNull();
				RoutingProxy routing = context.getBean(RoutingProxy.class);
				UpstreamGroup api = routing.upstreams().get("api");
				assertThat(api.peer(api.loadBalancer().backends().list().get(0)).options().readTimeout()).isNull();
			});
	}

	@Test
	void anUpstreamClientCertificateComesFromItsProperties() throws Exception {
		TestCertificates certificates = TestCertificates.issue("client.test");
		this.runner.withPropertyValues("pingora.upstreams.api.backends[0].address=127.0.0.1:9",
				"pingora.upstreams.api.peer.tls=true", "pingora.routes[0].upstream=api",
				"pingora.upstreams.api.peer.client-certificate=file:" + certificates.chain(),
				"pingora.upstreams.api.peer.client-key=" + certificates.key(), "pingora.upstreams.api.peer.protocol=h2")
			.run((context) -> {
				UpstreamGroup api = context.getBean(RoutingProxy.class).upstreams().get("api");
				PeerOptions options = api.peer(api.loadBalancer().backends().list().get(0)).options();
				assertThat(options.alpn()).isEqualTo(dev.pingora.upstream.Alpn.H2);
				PeerOptions.ClientCertificate certificate = options.clientCertificate();
				assertThat(certificate).isNotNull();
				assertThat(certificate.chain()).isEqualTo(certificates.chain().toPath());
				assertThat(certificate.key()).isEqualTo(certificates.key().toPath());
			});
		this.runner
			.withPropertyValues("pingora.upstreams.api.backends[0].address=127.0.0.1:9",
					"pingora.routes[0].upstream=api",
					"pingora.upstreams.api.peer.client-certificate=file:" + certificates.chain())
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("pingora.upstreams.api.peer.client-key"));
	}

	@Test
	void theProxyPortMustDifferFromTheManagementPort() {
		this.runner
			.withPropertyValues("pingora.server.listeners[0].address=127.0.0.1:18123", "management.server.port=18123")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("pingora.server.listeners[0].address")
				.hasMessageContaining("management.server.port"));
	}

	@Test
	void aTakenPortIsExplainedWithTheProperty() {
		ListenerBindException failure = new ListenerBindException(Listener.tcp("0.0.0.0", 8080), 0,
				"Address already in use", new IllegalStateException("bind"));
		FailureAnalysis analysis = new ListenerBindFailureAnalyzer().analyze(failure);
		assertThat(analysis.getDescription()).contains("0.0.0.0:8080").contains("Address already in use");
		assertThat(analysis.getAction()).contains("pingora.server.listeners[0].address");
	}

	@Test
	void theFailureAnalyzerIsRegistered() throws Exception {
		Properties factories = PropertiesLoaderUtils.loadProperties(new ClassPathResource("META-INF/spring.factories"));
		assertThat(factories.getProperty(FailureAnalyzer.class.getName()))
			.contains(ListenerBindFailureAnalyzer.class.getName());
	}

	@Configuration(proxyBeanMethods = false)
	static class Filters {

		@Bean
		@Order(2)
		ProxyFilter second() {
			return new Tag("second");
		}

		@Bean
		@Order(1)
		ProxyFilter first() {
			return new Tag("first");
		}

	}

	record Tag(String name) implements ProxyFilter {

		@Override
		public Mono<Void> responseFilter(Session session, ResponseHeader response) {
			String seen = response.header("x-filters");
			response.setHeader("x-filters", (seen != null) ? seen + "," + this.name : this.name);
			return Mono.empty();
		}

	}

}
