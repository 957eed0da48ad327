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

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.file.Path;
import java.util.Objects;

import io.netty.channel.unix.DomainSocketAddress;
import io.netty.util.NetUtil;
import org.jspecify.annotations.Nullable;

/**
 * Where and how to send one upstream attempt: the address, whether to use TLS, the SNI
 * and the {@link PeerOptions}. Returned by {@code ProxyHttp#upstreamPeer} for every
 * attempt. Immutable; every {@code withXxx} method returns a copy.
 *
 * <p>
 * Host names are resolved by the connector when it connects, never here, so building a
 * peer does not block. Connections are pooled per peer identity: two peers share pooled
 * connections only when their address, TLS flag, SNI and options are equal.
 *
 * <p>
 * Pingora counterpart: {@code pingora_core::upstreams::peer::HttpPeer}.
 *
 * @since 0.1.0
 */
public final class HttpPeer {

	private final SocketAddress address;

	private final boolean tls;

	private final String sni;

	private final PeerOptions options;

	private final int hash;

	private HttpPeer(SocketAddress address, boolean tls, String sni, PeerOptions options) {
		this.address = address;
		this.tls = tls;
		this.sni = sni;
		this.options = options;
		// Peers are pool keys looked up on every request: hash once.
		this.hash = Objects.hash(address, tls, sni, options);
	}

	/**
	 * Create a plaintext peer.
	 * @param host an IP literal or a host name, resolved when connecting
	 * @param port the port, 1 to 65535
	 * @return a new peer
	 */
	public static HttpPeer of(String host, int port) {
		return new HttpPeer(address(host, port), false, "", PeerOptions.defaults());
	}

	/**
	 * Create a plaintext peer for a socket address (an {@link InetSocketAddress} or a
	 * {@link DomainSocketAddress}).
	 * @param address the address
	 * @return a new peer
	 */
	public static HttpPeer of(SocketAddress address) {
		Objects.requireNonNull(address, "address");
		return new HttpPeer(address, false, "", PeerOptions.defaults());
	}

	/**
	 * Create a TLS peer whose SNI (and the name its certificate must carry) is the host.
	 * For an IP literal no SNI is sent, and then, as in Pingora, the certificate is not
	 * verified at all: use {@link #tls(String, int, String)} with the expected name to
	 * verify it.
	 * @param host an IP literal or a host name
	 * @param port the port, 1 to 65535
	 * @return a new peer
	 */
	public static HttpPeer tls(String host, int port) {
		return tls(host, port, NetUtil.isValidIpV4Address(host) || NetUtil.isValidIpV6Address(host) ? "" : host);
	}

	/**
	 * Create a TLS peer with an explicit SNI.
	 * @param host an IP literal or a host name
	 * @param port the port, 1 to 65535
	 * @param sni the server name to send, or an empty string to send none (which also
	 * skips certificate verification, as in Pingora)
	 * @return a new peer
	 */
	public static HttpPeer tls(String host, int port, String sni) {
		Objects.requireNonNull(sni, "sni");
		return new HttpPeer(address(host, port), true, sni, PeerOptions.defaults());
	}

	/**
	 * Create a plaintext peer on a Unix domain socket (needs the native epoll transport).
	 * @param path the socket path
	 * @return a new peer
	 */
	public static HttpPeer unix(Path path) {
		Objects.requireNonNull(path, "path");
		return new HttpPeer(new DomainSocketAddress(path.toString()), false, "", PeerOptions.defaults());
	}

	/**
	 * Return the address to connect to.
	 * @return the address
	 */
	public SocketAddress address() {
		return this.address;
	}

	/**
	 * Whether to use TLS.
	 * @return {@code true} for TLS
	 */
	public boolean isTls() {
		return this.tls;
	}

	/**
	 * Return the server name sent in the TLS handshake.
	 * @return the SNI, or an empty string for none
	 */
	public String sni() {
		return this.sni;
	}

	/**
	 * Return the connection options.
	 * @return the options
	 */
	public PeerOptions options() {
		return this.options;
	}

	/**
	 * Return a copy with other options.
	 * @param options the options
	 * @return a copy
	 */
	public HttpPeer withOptions(PeerOptions options) {
		Objects.requireNonNull(options, "options");
		return new HttpPeer(this.address, this.tls, this.sni, options);
	}

	/**
	 * Return a copy with TLS on or off.
	 * @param tls {@code true} for TLS
	 * @return a copy
	 */
	public HttpPeer withTls(boolean tls) {
		return new HttpPeer(this.address, tls, this.sni, this.options);
	}

	/**
	 * Return a copy with another SNI.
	 * @param sni the server name, or an empty string for none
	 * @return a copy
	 */
	public HttpPeer withSni(String sni) {
		Objects.requireNonNull(sni, "sni");
		return new HttpPeer(this.address, this.tls, sni, this.options);
	}

	@Override
	public boolean equals(@Nullable Object obj) {
		if (this == obj) {
			return true;
		}
		if (!(obj instanceof HttpPeer other)) {
			return false;
		}
		return this.hash == other.hash && this.address.equals(other.address) && this.tls == other.tls
				&& this.sni.equals(other.sni) && this.options.equals(other.options);
	}

	@Override
	public int hashCode() {
		return this.hash;
	}

	@Override
	public String toString() {
		StringBuilder text = new StringBuilder(48);
		if (this.address instanceof InetSocketAddress inet) {
			text.append(inet.getHostString()).append(':').append(inet.getPort());
		}
		else if (this.address instanceof DomainSocketAddress unix) {
			text.append("unix:").append(unix.path());
		}
		else {
			text.append(this.address);
		}
		if (this.tls) {
			text.append(" (tls");
			if (!this.sni.isEmpty()) {
				text.append(", sni=").append(this.sni);
			}
			text.append(')');
		}
		return text.toString();
	}

	private static InetSocketAddress address(String host, int port) {
		Objects.requireNonNull(host, "host");
		if (port < 1 || port > 65535) {
			throw new IllegalArgumentException("port: " + port + " (expected: 1 to 65535)");
		}
		if (host.isEmpty()) {
			throw new IllegalArgumentException("host: empty (expected: an IP literal or a host name)");
		}
		byte[] literal = NetUtil.createByteArrayFromIpAddressString(host);
		if (literal != null) {
			return new InetSocketAddress(NetUtil.createInetAddressFromIpAddressString(host), port);
		}
		return InetSocketAddress.createUnresolved(host, port);
	}

}
