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

package dev.pingora.upstream;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import reactor.netty.tcp.SslProvider;

/**
 * The TLS settings of a connection to a peer: its SNI, whether to verify its certificate
 * and host name, and which CAs to trust. Shared by the proxy's connector and the health
 * checks, so that a check talks to a backend the way requests do.
 *
 * @since 0.1.0
 */
public final class PeerTls {

	private PeerTls() {
	}

	/**
	 * Return the Reactor Netty TLS settings for a peer. Pass them to
	 * {@code secure(SslProvider)} of an {@code HttpClient} or a {@code TcpClient}.
	 * @param peer the peer, whatever {@link HttpPeer#isTls()} says
	 * @return the TLS settings
	 * @throws UncheckedIOException if the peer's CA file cannot be read
	 */
	public static SslProvider sslProvider(HttpPeer peer) {
		SslContext context = sslContext(peer);
		String sni = peer.sni();
		PeerOptions options = peer.options();
		boolean verifyHostname = options.verifyCert() && options.verifyHostname() && !sni.isEmpty();
		// secure(SslProvider) rather than secure(Consumer): the latter adds Reactor
		// Netty's
		// own hostname check against the connect address, which would ignore the SNI and
		// verifyHostname.
		return SslProvider.builder()
			.sslContext(context)
			.handlerConfigurator((handler) -> configureEngine(handler.engine(), sni, verifyHostname))
			.build();
	}

	/**
	 * Create the TLS context for a peer: its trust settings (custom CA, or no
	 * verification). Reads files: call it off the event loops.
	 * @param peer the peer
	 * @return the context
	 * @throws UncheckedIOException if the peer's CA file cannot be read
	 */
	public static SslContext sslContext(HttpPeer peer) {
		PeerOptions options = peer.options();
		try {
			// Hostname verification is set per engine (configureEngine), against the SNI;
			// Netty's own check would use the connect address.
			SslContextBuilder builder = SslContextBuilder.forClient().endpointIdentificationAlgorithm(null);
			if (!options.verifyCert() || peer.sni().isEmpty()) {
				builder.trustManager(InsecureTrustManagerFactory.INSTANCE);
			}
			else {
				Path ca = options.caCertificates();
				if (ca != null) {
					builder.trustManager(ca.toFile());
				}
			}
			if (options.alpn() != Alpn.H1) {
				builder.applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
						ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
						ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
						(options.alpn() == Alpn.H2) ? List.of(ApplicationProtocolNames.HTTP_2)
								: List.of(ApplicationProtocolNames.HTTP_2, ApplicationProtocolNames.HTTP_1_1)));
			}
			PeerOptions.ClientCertificate certificate = options.clientCertificate();
			if (certificate != null) {
				builder.keyManager(certificate.chain().toFile(), certificate.key().toFile());
			}
			return builder.build();
		}
		catch (IOException | IllegalArgumentException ex) {
			throw new UncheckedIOException("TLS setup for peer " + peer + " failed",
					(ex instanceof IOException io) ? io : new IOException(ex.getMessage(), ex));
		}
	}

	/**
	 * Create the TLS handler of a new connection to a peer: SNI and hostname verification
	 * as the peer's options say.
	 * @param peer the peer
	 * @param context the peer's context, from {@link #sslContext(HttpPeer)}
	 * @param alloc the connection's allocator
	 * @return the handler
	 */
	public static SslHandler newHandler(HttpPeer peer, SslContext context, ByteBufAllocator alloc) {
		String sni = peer.sni();
		PeerOptions options = peer.options();
		SslHandler handler;
		if (!sni.isEmpty() && peer.address() instanceof InetSocketAddress inet) {
			handler = context.newHandler(alloc, sni, inet.getPort());
		}
		else {
			handler = context.newHandler(alloc);
		}
		configureEngine(handler.engine(), sni, options.verifyCert() && options.verifyHostname() && !sni.isEmpty());
		return handler;
	}

	private static void configureEngine(SSLEngine engine, String sni, boolean verifyHostname) {
		SSLParameters parameters = engine.getSSLParameters();
		parameters.setServerNames(sni.isEmpty() ? List.of() : List.of(new SNIHostName(sni)));
		parameters.setEndpointIdentificationAlgorithm(verifyHostname ? "HTTPS" : null);
		engine.setSSLParameters(parameters);
	}

}
