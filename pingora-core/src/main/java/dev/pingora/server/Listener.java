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

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.file.Path;
import java.util.Objects;

import io.netty.channel.unix.DomainSocketAddress;
import org.jspecify.annotations.Nullable;

/**
 * An address the server accepts connections on: a TCP host and port, or a Unix domain
 * socket. Immutable.
 *
 * <p>
 * Pingora counterpart: the endpoints of {@code Service::add_tcp} and
 * {@code Service::add_uds}.
 *
 * @since 0.1.0
 */
public final class Listener {

	private final @Nullable String host;

	private final int port;

	private final @Nullable Path path;

	private final @Nullable TlsSettings tls;

	private Listener(@Nullable String host, int port, @Nullable Path path) {
		this(host, port, path, null);
	}

	private Listener(@Nullable String host, int port, @Nullable Path path, @Nullable TlsSettings tls) {
		this.host = host;
		this.port = port;
		this.path = path;
		this.tls = tls;
	}

	/**
	 * Return this listener with TLS termination: clients connect with TLS, and requests
	 * have the {@code https} scheme.
	 * @param tls the TLS settings
	 * @return a new listener
	 */
	public Listener withTls(TlsSettings tls) {
		return new Listener(this.host, this.port, this.path, Objects.requireNonNull(tls, "tls"));
	}

	/**
	 * Return the TLS settings of the listener.
	 * @return the settings, or {@code null} for plain HTTP
	 */
	public @Nullable TlsSettings tls() {
		return this.tls;
	}

	/**
	 * Listen on a TCP port of every interface.
	 * @param port the port, 0 to 65535 (0 picks a free port)
	 * @return the listener
	 */
	public static Listener tcp(int port) {
		return tcp("0.0.0.0", port);
	}

	/**
	 * Listen on a TCP host and port.
	 * @param host the local address to bind, such as {@code 127.0.0.1} or {@code 0.0.0.0}
	 * @param port the port, 0 to 65535 (0 picks a free port)
	 * @return the listener
	 */
	public static Listener tcp(String host, int port) {
		Objects.requireNonNull(host, "host");
		if (port < 0 || port > 65535) {
			throw new IllegalArgumentException("port: " + port + " (expected: 0 to 65535)");
		}
		return new Listener(host, port, null);
	}

	/**
	 * Parse {@code host:port}, {@code [v6]:port}, {@code :port} or {@code unix:/path}.
	 * @param address the address text
	 * @return the listener
	 */
	public static Listener parse(String address) {
		Objects.requireNonNull(address, "address");
		if (address.startsWith("unix:")) {
			return unix(Path.of(address.substring("unix:".length())));
		}
		int colon = address.lastIndexOf(':');
		if (colon < 0) {
			throw new IllegalArgumentException(
					"address: '" + address + "' (expected: host:port, [v6-address]:port, :port or unix:/path)");
		}
		String host = address.substring(0, colon);
		if (host.startsWith("[") && host.endsWith("]")) {
			host = host.substring(1, host.length() - 1);
		}
		int port;
		try {
			port = Integer.parseInt(address.substring(colon + 1));
		}
		catch (NumberFormatException ex) {
			throw new IllegalArgumentException("address: '" + address + "' (expected: a numeric port after ':')");
		}
		return tcp(host.isEmpty() ? "0.0.0.0" : host, port);
	}

	/**
	 * Listen on a Unix domain socket (needs the native epoll transport). A stale socket
	 * file at the path is removed first.
	 * @param path the socket path
	 * @return the listener
	 */
	public static Listener unix(Path path) {
		Objects.requireNonNull(path, "path");
		return new Listener(null, 0, path);
	}

	/**
	 * Whether this is a Unix domain socket.
	 * @return {@code true} for a Unix domain socket
	 */
	public boolean isUnix() {
		return this.path != null;
	}

	/**
	 * Return the socket path of a Unix domain socket listener.
	 * @return the path, or {@code null} for TCP
	 */
	public @Nullable Path path() {
		return this.path;
	}

	/**
	 * Return the address to bind.
	 * @return an {@link InetSocketAddress} or a {@link DomainSocketAddress}
	 */
	public SocketAddress bindAddress() {
		if (this.path != null) {
			return new DomainSocketAddress(this.path.toString());
		}
		return new InetSocketAddress(Objects.requireNonNull(this.host), this.port);
	}

	@Override
	public String toString() {
		String address = (this.path != null) ? "unix:" + this.path : this.host + ":" + this.port;
		return (this.tls != null) ? address + " (TLS)" : address;
	}

	@Override
	public boolean equals(@Nullable Object obj) {
		return obj instanceof Listener other && Objects.equals(this.host, other.host) && this.port == other.port
				&& Objects.equals(this.path, other.path) && Objects.equals(this.tls, other.tls);
	}

	@Override
	public int hashCode() {
		return Objects.hash(this.host, this.port, this.path, this.tls);
	}

}
