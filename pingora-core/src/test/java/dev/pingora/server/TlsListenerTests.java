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

package dev.pingora.server;

import java.io.File;
import java.time.Duration;

import io.netty.pkitesting.CertificateBuilder;
import io.netty.pkitesting.X509Bundle;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import reactor.core.publisher.Mono;

import dev.pingora.http.ResponseHeader;
import dev.pingora.proxy.Session;
import dev.pingora.test.ForwardingProxy;
import dev.pingora.test.TestCertificates;
import dev.pingora.test.TestOrigin;
import dev.pingora.test.TestResources;
import dev.pingora.test.TlsClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * TLS termination on a listener: certificates chosen by SNI, client certificates, and the
 * {@code https} scheme for the phases.
 */
class TlsListenerTests {

	@RegisterExtension
	final TestResources resources = new TestResources();

	@ParameterizedTest
	@EnumSource(value = TlsSettings.Provider.class, names = { "JDK", "AUTO" })
	void theCertificateIsChosenByTheNameTheClientAsksFor(TlsSettings.Provider provider) throws Exception {
		TestCertificates first = TestCertificates.issue("a.test");
		TestCertificates second = TestCertificates.issue("b.test");
		TlsSettings tls = TlsSettings.builder()
			.certificate(first.chain().toPath(), first.key().toPath())
			.certificate(second.chain().toPath(), second.key().toPath())
			.provider(provider)
			.build();
		// AUTO is OpenSSL with netty-tcnative on the class path, the JDK here.
		assertThat(tls.sslProvider().name()).isIn("JDK", "OPENSSL");
		int port = start(tls);
		TlsClient.Exchange a = get(port, "a.test", first.rootPem(), null);
		assertThat(a.subject()).contains("CN=a.test");
		assertThat(a.response()).startsWith("HTTP/1.1 200").contains("x-scheme: https").endsWith("hello over tls");
		TlsClient.Exchange b = get(port, "b.test", second.rootPem(), null);
		assertThat(b.subject()).contains("CN=b.test");
		// No name, or a name no certificate has: the first certificate.
		assertThat(get(port, null, first.rootPem(), null).subject()).contains("CN=a.test");
		assertThat(get(port, "c.test", first.rootPem(), null).subject()).contains("CN=a.test");
		assertThat(a.protocol()).isIn("TLSv1.3", "TLSv1.2");
	}

	@Test
	void aRequiredClientCertificateMustBeSignedByATrustedAuthority() throws Exception {
		TestCertificates server = TestCertificates.issue("a.test");
		X509Bundle clientRoot = new CertificateBuilder().subject("CN=Client CA")
			.setIsCertificateAuthority(true)
			.buildSelfSigned();
		X509Bundle clientCertificate = new CertificateBuilder().subject("CN=client")
			.addExtendedKeyUsageClientAuth()
			.buildIssuedBy(clientRoot);
		X509Bundle strangerRoot = new CertificateBuilder().subject("CN=Other CA")
			.setIsCertificateAuthority(true)
			.buildSelfSigned();
		X509Bundle stranger = new CertificateBuilder().subject("CN=stranger")
			.addExtendedKeyUsageClientAuth()
			.buildIssuedBy(strangerRoot);
		TlsSettings tls = TlsSettings.builder()
			.certificate(server.chain().toPath(), server.key().toPath())
			.clientAuth(TlsSettings.Verification.REQUIRE, clientRoot.toTempRootCertPem().toPath())
			.build();
		int port = start(tls);
		assertThat(get(port, "a.test", server.rootPem(), clientCertificate).response()).startsWith("HTTP/1.1 200");
		assertThatExceptionOfType(java.io.IOException.class)
			.isThrownBy(() -> get(port, "a.test", server.rootPem(), null));
		assertThatExceptionOfType(java.io.IOException.class)
			.isThrownBy(() -> get(port, "a.test", server.rootPem(), stranger));
	}

	@Test
	void openSslWithoutNettyTcnativeFailsWithAClearMessage() throws Exception {
		org.junit.jupiter.api.Assumptions.assumeFalse(io.netty.handler.ssl.OpenSsl.isAvailable(),
				"netty-tcnative is usable here");
		TestCertificates server = TestCertificates.issue("a.test");
		TlsSettings tls = TlsSettings.builder()
			.certificate(server.chain().toPath(), server.key().toPath())
			.provider(TlsSettings.Provider.OPENSSL)
			.build();
		assertThatIllegalStateException().isThrownBy(tls::contexts)
			.withMessageContaining("netty-tcnative is not usable")
			.withMessageContaining("use AUTO or JDK");
	}

	@Test
	void anUnreadableCertificateStopsTheStartAndNamesTheListener() throws Exception {
		TestCertificates server = TestCertificates.issue("a.test");
		TlsSettings tls = TlsSettings.builder().certificate(server.chain().toPath(), server.rootPem().toPath()).build();
		assertThatIllegalStateException()
			.isThrownBy(() -> Server.builder()
				.listen(Listener.tcp("127.0.0.1", 0).withTls(tls))
				.proxy(new ForwardingProxy(1))
				.build()
				.start())
			.withMessageContaining("listener 127.0.0.1:0 (TLS)");
		assertThatExceptionOfType(IllegalArgumentException.class)
			.isThrownBy(() -> TlsSettings.builder().certificate(server.key().toPath(), server.key().toPath()));
	}

	private int start(TlsSettings tls) {
		TestOrigin origin = this.resources.add(TestOrigin.hello("hello over tls"));
		ForwardingProxy proxy = new ForwardingProxy(origin.port()) {

			@Override
			public Mono<Void> responseFilter(Session session, ResponseHeader response, Object ctx) {
				response.setHeader("x-scheme", session.scheme());
				return Mono.empty();
			}

		};
		Server server = Server.builder()
			.conf(ServerConf.builder().threads(1).build())
			.listen(Listener.tcp("127.0.0.1", 0).withTls(tls))
			.proxy(proxy)
			.build()
			.start();
		this.resources.add(() -> server.shutdown(Duration.ZERO));
		return server.port();
	}

	private static TlsClient.Exchange get(int port, @Nullable String serverName, File root,
			@Nullable X509Bundle certificate) throws Exception {
		TlsClient client = (certificate != null)
				? TlsClient.trusting(root, certificate.toTempCertChainPem(), certificate.toTempPrivateKeyPem())
				: TlsClient.trusting(root, null, null);
		return client.get(port, serverName, "/");
	}

}
