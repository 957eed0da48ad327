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

package dev.pingora.proxy;

import java.io.File;
import java.time.Duration;

import dev.pingora.error.ErrorType;
import dev.pingora.server.Server;
import dev.pingora.test.RawHttpClient;
import dev.pingora.test.TestCertificates;
import dev.pingora.test.TestResources;
import dev.pingora.test.RecordingProxyHttp;
import dev.pingora.upstream.HttpPeer;
import dev.pingora.upstream.PeerOptions;
import io.netty.handler.ssl.ClientAuth;
import io.netty.pkitesting.CertificateBuilder;
import io.netty.pkitesting.X509Bundle;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.Http11SslContextSpec;
import reactor.netty.http.server.HttpServer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for TLS to upstreams: SNI, certificate and hostname verification, a custom CA.
 */
class UpstreamTlsTests {

	@RegisterExtension
	final TestResources resources = new TestResources();

	private static DisposableServer origin;

	private static File rootPem;

	private Server gateway;

	@BeforeAll
	static void startOrigin() throws Exception {
		TestCertificates certificates = TestCertificates.issue("origin.test");
		rootPem = certificates.rootPem();
		File chain = certificates.chain();
		File key = certificates.key();
		origin = HttpServer.create()
			.host("127.0.0.1")
			.port(0)
			.secure((spec) -> spec.sslContext(Http11SslContextSpec.forServer(chain, key)))
			.handle((request, response) -> response.sendString(Mono.just("secret")))
			.bindNow();
	}

	@AfterAll
	static void stopOrigin() {
		origin.disposeNow();
	}

	@Test
	void aPeerTrustedThroughACustomCaAndNamedBySniIsReached() throws Exception {
		PeerOptions options = PeerOptions.defaults().withCaCertificates(rootPem.toPath());
		RawHttpClient.Response response = get(
				HttpPeer.tls("127.0.0.1", origin.port(), "origin.test").withOptions(options));
		assertThat(response.status()).isEqualTo(200);
		assertThat(response.text()).isEqualTo("secret");
	}

	@Test
	void anUntrustedCertificateIs502() throws Exception {
		RecordingProxyHttp proxy = new RecordingProxyHttp(
				(attempt) -> HttpPeer.tls("127.0.0.1", origin.port(), "origin.test"));
		assertThat(get(proxy).status()).isEqualTo(502);
		RecordingProxyHttp.Ctx ctx = proxy.next();
		assertThat(ctx.error.type()).isIn(ErrorType.INVALID_CERT, ErrorType.TLS_HANDSHAKE_FAILURE);
		assertThat(ctx.phases).contains("failToConnect").doesNotContain("connectedToUpstream");
	}

	@Test
	void aCertificateForAnotherNameIs502UnlessHostnameVerificationIsOff() throws Exception {
		PeerOptions options = PeerOptions.defaults().withCaCertificates(rootPem.toPath());
		HttpPeer wrongName = HttpPeer.tls("127.0.0.1", origin.port(), "other.test").withOptions(options);
		assertThat(get(wrongName).status()).isEqualTo(502);
		this.gateway.shutdown(Duration.ZERO);
		assertThat(get(wrongName.withOptions(options.withVerifyHostname(false))).status()).isEqualTo(200);
	}

	@Test
	void verificationCanBeTurnedOff() throws Exception {
		PeerOptions options = PeerOptions.defaults().withVerifyCert(false);
		assertThat(get(HttpPeer.tls("127.0.0.1", origin.port(), "origin.test").withOptions(options)).status())
			.isEqualTo(200);
	}

	@Test
	void aClientCertificateIsShownToAnUpstreamThatRequiresOne() throws Exception {
		TestCertificates server = TestCertificates.issue("mtls.test");
		X509Bundle clientRoot = new CertificateBuilder().subject("CN=Gateway clients")
			.setIsCertificateAuthority(true)
			.buildSelfSigned();
		X509Bundle gateway = new CertificateBuilder().subject("CN=gateway")
			.addExtendedKeyUsageClientAuth()
			.buildIssuedBy(clientRoot);
		File trusted = clientRoot.toTempRootCertPem();
		DisposableServer strict = HttpServer.create()
			.host("127.0.0.1")
			.port(0)
			.secure((spec) -> spec.sslContext(Http11SslContextSpec.forServer(server.chain(), server.key())
				.configure((builder) -> builder.clientAuth(ClientAuth.REQUIRE).trustManager(trusted))))
			.handle((request, response) -> response.sendString(Mono.just("mutual")))
			.bindNow();
		try {
			PeerOptions trusting = PeerOptions.defaults().withCaCertificates(server.rootPem().toPath());
			PeerOptions withCertificate = trusting.withClientCertificate(new PeerOptions.ClientCertificate(
					gateway.toTempCertChainPem().toPath(), gateway.toTempPrivateKeyPem().toPath()));
			RawHttpClient.Response shown = get(
					HttpPeer.tls("127.0.0.1", strict.port(), "mtls.test").withOptions(withCertificate));
			assertThat(shown.status()).isEqualTo(200);
			assertThat(shown.text()).isEqualTo("mutual");
			RawHttpClient.Response refused = get(
					HttpPeer.tls("127.0.0.1", strict.port(), "mtls.test").withOptions(trusting));
			assertThat(refused.status()).isEqualTo(502);
		}
		finally {
			strict.disposeNow();
		}
	}

	private RawHttpClient.Response get(HttpPeer peer) {
		return get(new RecordingProxyHttp((attempt) -> peer));
	}

	private RawHttpClient.Response get(ProxyHttp<?> proxy) {
		this.gateway = this.resources.gateway(proxy);
		try (RawHttpClient client = new RawHttpClient(this.gateway.port())) {
			return client.exchange("GET / HTTP/1.1\r\nHost: origin.test\r\n\r\n");
		}
	}

}
