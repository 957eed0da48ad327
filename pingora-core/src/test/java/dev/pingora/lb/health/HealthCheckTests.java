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

package dev.pingora.lb.health;

import java.io.File;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import dev.pingora.lb.Backend;
import dev.pingora.lb.LoadBalancer;
import dev.pingora.routing.UpstreamGroup;
import dev.pingora.test.Ports;
import dev.pingora.test.TestCertificates;
import dev.pingora.test.TestOrigin;
import dev.pingora.test.TestResources;
import dev.pingora.upstream.PeerOptions;
import io.netty.handler.codec.http.HttpResponseStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.publisher.Mono;
import reactor.netty.http.Http11SslContextSpec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link TcpHealthCheck} and {@link HttpHealthCheck} against real servers on
 * loopback, alone and driven by a {@link LoadBalancer}'s background loop.
 */
class HealthCheckTests {

	@RegisterExtension
	final TestResources resources = new TestResources();

	@Test
	void tcpCheckPassesWhenTheBackendAcceptsAndFailsWhenItRefuses() {
		TestOrigin origin = this.resources.add(TestOrigin.hello("up"));
		TcpHealthCheck check = TcpHealthCheck.of();
		assertThatCode(() -> check.check(Backend.of("127.0.0.1", origin.port())).block()).doesNotThrowAnyException();
		await().until(() -> origin.closedConnections() == 1);
		assertThatThrownBy(() -> check.check(Backend.of("127.0.0.1", Ports.refused())).block())
			.hasMessageContaining("Connection refused");
	}

	@Test
	void tcpCheckCanProbeAnotherPort() {
		TestOrigin origin = this.resources.add(TestOrigin.hello("up"));
		TcpHealthCheck check = TcpHealthCheck.builder().port(origin.port()).build();
		assertThatCode(() -> check.check(Backend.of("127.0.0.1", Ports.refused())).block()).doesNotThrowAnyException();
	}

	@Test
	void httpCheckSendsPathAndHostAndWantsTwoHundredByDefault() {
		AtomicInteger status = new AtomicInteger(200);
		TestOrigin origin = this.resources
			.add(TestOrigin.start((request, response) -> response.status(HttpResponseStatus.valueOf(status.get()))
				.sendString(Mono.just("body to drain"))));
		Backend backend = Backend.of("127.0.0.1", origin.port());
		HttpHealthCheck check = HttpHealthCheck.builder()
			.path("/healthz?deep=1")
			.host("api.internal")
			.header("x-probe", "pingora")
			.build();
		assertThatCode(() -> check.check(backend).block()).doesNotThrowAnyException();
		assertThat(origin.lastRequest().uri()).isEqualTo("/healthz?deep=1");
		assertThat(origin.lastRequest().headers().get("host")).isEqualTo("api.internal");
		assertThat(origin.lastRequest().headers().get("x-probe")).isEqualTo("pingora");
		status.set(204);
		assertThatThrownBy(() -> check.check(backend).block()).hasMessage("status 204 (expected: 200)");
		HttpHealthCheck either = HttpHealthCheck.builder().expectedStatus(200, 204).build();
		assertThatCode(() -> either.check(backend).block()).doesNotThrowAnyException();
		assertThat(origin.lastRequest().headers().get("host")).isEqualTo("127.0.0.1:" + origin.port());
		HttpHealthCheck otherPort = HttpHealthCheck.builder().port(origin.port()).expectedStatus(204).build();
		assertThatCode(() -> otherPort.check(Backend.of("127.0.0.1", Ports.refused())).block())
			.doesNotThrowAnyException();
		assertThat(origin.lastRequest().headers().get("host")).as("the probed port")
			.isEqualTo("127.0.0.1:" + origin.port());
	}

	@Test
	void httpCheckValidatorSeesTheResponseHeader() {
		TestOrigin origin = this.resources
			.add(TestOrigin.start((request, response) -> response.header("x-ready", "no").sendString(Mono.just("ok"))));
		HttpHealthCheck check = HttpHealthCheck.builder().validator((response) -> {
			if (!"yes".equals(response.header("x-ready"))) {
				throw new IllegalStateException("not ready: " + response.header("x-ready"));
			}
		}).build();
		assertThatThrownBy(() -> check.check(Backend.of("127.0.0.1", origin.port())).block())
			.hasMessage("not ready: no");
	}

	@Test
	void httpCheckTimesOutOnABackendThatNeverAnswers() {
		TestOrigin origin = this.resources.add(TestOrigin.start((request, response) -> Mono.never()));
		HttpHealthCheck check = HttpHealthCheck.builder().readTimeout(Duration.ofMillis(200)).build();
		long start = System.nanoTime();
		assertThatThrownBy(() -> check.check(Backend.of("127.0.0.1", origin.port())).block()).isNotNull();
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
	}

	@Test
	void httpCheckSpeaksTlsWithTheUpstreamsPeerSettings() throws Exception {
		TestCertificates certificates = TestCertificates.issue("origin.test");
		File rootPem = certificates.rootPem();
		File chain = certificates.chain();
		File key = certificates.key();
		TestOrigin origin = this.resources.add(TestOrigin.start(
				(request, response) -> response.sendString(Mono.just("tls " + request.requestHeaders().get("host"))),
				(server) -> server.secure((spec) -> spec.sslContext(Http11SslContextSpec.forServer(chain, key)))));
		Backend backend = Backend.of("127.0.0.1", origin.port());
		PeerOptions trusted = PeerOptions.defaults().withCaCertificates(rootPem.toPath());
		HttpHealthCheck check = HttpHealthCheck.builder()
			.peers(UpstreamGroup.peers(true, "origin.test", trusted))
			.build();
		assertThatCode(() -> check.check(backend).block()).doesNotThrowAnyException();
		assertThat(origin.lastRequest().headers().get("host")).isEqualTo("origin.test");
		HttpHealthCheck untrusted = HttpHealthCheck.builder()
			.peers(UpstreamGroup.peers(true, "origin.test", PeerOptions.defaults()))
			.build();
		assertThatThrownBy(() -> untrusted.check(backend).block()).isNotNull();
		TcpHealthCheck tcpTls = TcpHealthCheck.builder()
			.peers(UpstreamGroup.peers(true, "origin.test", trusted))
			.build();
		assertThatCode(() -> tcpTls.check(backend).block()).doesNotThrowAnyException();
		TcpHealthCheck tcpUntrusted = TcpHealthCheck.builder()
			.peers(UpstreamGroup.peers(true, "origin.test", PeerOptions.defaults()))
			.build();
		assertThatThrownBy(() -> tcpUntrusted.check(backend).block()).isNotNull();
	}

	@Test
	void aStoppedBackendIsMarkedDownWithinIntervalTimesThresholdAndBackAfterTheSuccessThreshold() {
		AtomicInteger status = new AtomicInteger(200);
		TestOrigin flaky = this.resources.add(
				TestOrigin.start((request, response) -> response.status(status.get()).sendString(Mono.just("health"))));
		TestOrigin stopped = TestOrigin.hello("soon gone");
		Backend flakyBackend = Backend.of("127.0.0.1", flaky.port());
		Backend stoppedBackend = Backend.of("127.0.0.1", stopped.port());
		Duration interval = Duration.ofMillis(200);
		LoadBalancer balancer = LoadBalancer.builder()
			.backends(List.of(flakyBackend, stoppedBackend))
			.healthCheck(HttpHealthCheck.builder().path("/health").unhealthyThreshold(2).healthyThreshold(3).build(),
					interval)
			.build();
		balancer.start().block(Duration.ofSeconds(5));
		this.resources.add(balancer::stop);
		assertThat(balancer.isReady(flakyBackend)).isTrue();
		assertThat(balancer.isReady(stoppedBackend)).isTrue();

		stopped.close();
		long stoppedAt = System.nanoTime();
		// Two failed checks, one interval apart, plus up to one interval until the first.
		await().atMost(interval.multipliedBy(3).plusMillis(500))
			.pollInterval(Duration.ofMillis(20))
			.until(() -> !balancer.isReady(stoppedBackend));
		assertThat(Duration.ofNanos(System.nanoTime() - stoppedAt)).isGreaterThanOrEqualTo(interval);

		status.set(503);
		await().atMost(interval.multipliedBy(3).plusMillis(500))
			.pollInterval(Duration.ofMillis(20))
			.until(() -> !balancer.isReady(flakyBackend));
		assertThat(balancer.select(null)).isNull();
		status.set(200);
		long recoveredAt = System.nanoTime();
		await().atMost(interval.multipliedBy(4).plusMillis(500))
			.pollInterval(Duration.ofMillis(20))
			.until(() -> balancer.isReady(flakyBackend));
		// Three passed checks: at least two intervals after the origin recovered.
		assertThat(Duration.ofNanos(System.nanoTime() - recoveredAt)).isGreaterThanOrEqualTo(interval.multipliedBy(2));
		assertThat(balancer.select(null)).isEqualTo(flakyBackend);
	}

}
