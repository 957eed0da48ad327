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

package dev.pingora.test;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.List;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

import io.netty.handler.ssl.JdkSslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import org.jspecify.annotations.Nullable;

/**
 * A blocking TLS client for tests: one request per connection to 127.0.0.1, with the SNI
 * name of choice, trusting one test CA, optionally with a client certificate.
 *
 * @param context the JDK TLS context
 */
public record TlsClient(SSLContext context) {

	/**
	 * A client that trusts a CA, with a client certificate if given.
	 */
	public static TlsClient trusting(File rootPem, @Nullable File clientChain, @Nullable File clientKey) {
		try {
			SslContextBuilder builder = SslContextBuilder.forClient()
				.sslProvider(SslProvider.JDK)
				.trustManager(rootPem);
			if (clientChain != null && clientKey != null) {
				builder.keyManager(clientChain, clientKey);
			}
			return new TlsClient(((JdkSslContext) builder.build()).context());
		}
		catch (SSLException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Send {@code GET path} with {@code Connection: close} and read the whole response.
	 * @throws IOException when the handshake fails or the server closes without a
	 * response
	 */
	public Exchange get(int port, @Nullable String serverName, String path) throws IOException {
		try (SSLSocket socket = (SSLSocket) this.context.getSocketFactory().createSocket("127.0.0.1", port)) {
			socket.setSoTimeout(10_000);
			SSLParameters parameters = socket.getSSLParameters();
			parameters.setServerNames((serverName != null) ? List.of(new SNIHostName(serverName)) : List.of());
			// Test certificates name hosts, not 127.0.0.1: tests check the subject
			// instead.
			parameters.setEndpointIdentificationAlgorithm(null);
			socket.setSSLParameters(parameters);
			socket.startHandshake();
			X509Certificate peer = (X509Certificate) socket.getSession().getPeerCertificates()[0];
			OutputStream out = socket.getOutputStream();
			out.write(("GET " + path + " HTTP/1.1\r\nHost: " + ((serverName != null) ? serverName : "localhost")
					+ "\r\nConnection: close\r\n\r\n")
				.getBytes(StandardCharsets.US_ASCII));
			out.flush();
			InputStream in = socket.getInputStream();
			String response = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
			if (response.isEmpty()) {
				throw new SSLException("connection closed without a response");
			}
			return new Exchange(peer.getSubjectX500Principal().getName(), socket.getSession().getProtocol(), response);
		}
	}

	/**
	 * What one request saw.
	 *
	 * @param subject the server certificate's subject
	 * @param protocol the TLS version
	 * @param response the raw response
	 */
	public record Exchange(String subject, String protocol, String response) {
	}

}
