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

package dev.pingora.lb;

import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * One server of an upstream: a host, a port and a weight. Immutable.
 *
 * <p>
 * Pingora counterpart: {@code pingora_load_balancing::Backend}.
 *
 * @since 0.1.0
 */
public final class Backend implements Comparable<Backend> {

	private final String host;

	private final int port;

	private final int weight;

	private final int hash;

	private Backend(String host, int port, int weight) {
		this.host = host;
		this.port = port;
		this.weight = weight;
		this.hash = Objects.hash(host, port, weight);
	}

	/**
	 * Create a backend of weight 1.
	 * @param host an IP literal or a host name
	 * @param port the port, 1 to 65535
	 * @return the backend
	 */
	public static Backend of(String host, int port) {
		Objects.requireNonNull(host, "host");
		if (host.isEmpty()) {
			throw new IllegalArgumentException("host: empty (expected: an IP literal or a host name)");
		}
		if (port < 1 || port > 65535) {
			throw new IllegalArgumentException("port: " + port + " (expected: 1 to 65535)");
		}
		return new Backend(host, port, 1);
	}

	/**
	 * Parse {@code host:port} or {@code [v6-address]:port}.
	 * @param address the address
	 * @return a backend of weight 1
	 */
	public static Backend parse(String address) {
		Objects.requireNonNull(address, "address");
		int colon = address.lastIndexOf(':');
		if (colon <= 0 || colon == address.length() - 1) {
			throw new IllegalArgumentException("address: '" + address + "' (expected: host:port or [v6-address]:port)");
		}
		String host = address.substring(0, colon);
		if (host.startsWith("[") && host.endsWith("]")) {
			host = host.substring(1, host.length() - 1);
		}
		try {
			return of(host, Integer.parseInt(address.substring(colon + 1)));
		}
		catch (NumberFormatException ex) {
			throw new IllegalArgumentException("address: '" + address + "' (expected: a numeric port after ':')");
		}
	}

	/**
	 * Return a copy with another weight.
	 * @param weight the relative share of requests, 1 or more
	 * @return a copy
	 */
	public Backend withWeight(int weight) {
		if (weight < 1) {
			throw new IllegalArgumentException("weight: " + weight + " (expected: >= 1)");
		}
		return new Backend(this.host, this.port, weight);
	}

	/**
	 * Return the host.
	 * @return an IP literal or a host name
	 */
	public String host() {
		return this.host;
	}

	/**
	 * Return the port.
	 * @return the port
	 */
	public int port() {
		return this.port;
	}

	/**
	 * Return the weight.
	 * @return the relative share of requests
	 */
	public int weight() {
		return this.weight;
	}

	/**
	 * Return the address as {@code host:port}.
	 * @return the address
	 */
	public String address() {
		return (this.host.indexOf(':') >= 0) ? "[" + this.host + "]:" + this.port : this.host + ":" + this.port;
	}

	@Override
	public boolean equals(@Nullable Object obj) {
		return obj instanceof Backend other && this.hash == other.hash && this.host.equals(other.host)
				&& this.port == other.port && this.weight == other.weight;
	}

	@Override
	public int hashCode() {
		return this.hash;
	}

	/**
	 * Order by host, then port, then weight, the order in which a {@link Backends}
	 * snapshot lists its backends.
	 * @param other the backend to compare with
	 * @return a negative number, zero or a positive number
	 */
	@Override
	public int compareTo(Backend other) {
		int byHost = this.host.compareTo(other.host);
		if (byHost != 0) {
			return byHost;
		}
		int byPort = Integer.compare(this.port, other.port);
		return (byPort != 0) ? byPort : Integer.compare(this.weight, other.weight);
	}

	@Override
	public String toString() {
		return (this.weight == 1) ? address() : address() + " (weight " + this.weight + ")";
	}

}
