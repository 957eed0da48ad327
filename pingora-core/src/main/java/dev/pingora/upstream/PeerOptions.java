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

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * How to connect to and talk with an upstream peer: timeouts, connection reuse, TCP
 * keepalive and TLS verification. Immutable; every {@code withXxx} method returns a copy.
 *
 * <p>
 * A {@code null} timeout means "no timeout". The defaults are those of a production
 * gateway (nginx's {@code proxy_*_timeout} values), not Pingora's "none":
 * <table>
 * <caption>Defaults</caption>
 * <tr>
 * <th>option</th>
 * <th>default</th>
 * </tr>
 * <tr>
 * <td>connection timeout</td>
 * <td>10 s</td>
 * </tr>
 * <tr>
 * <td>total connection timeout (TCP + TLS)</td>
 * <td>none</td>
 * </tr>
 * <tr>
 * <td>read timeout</td>
 * <td>60 s</td>
 * </tr>
 * <tr>
 * <td>write timeout</td>
 * <td>60 s</td>
 * </tr>
 * <tr>
 * <td>idle timeout (pooled connections)</td>
 * <td>60 s; {@code Duration.ZERO} disables pooling</td>
 * </tr>
 * <tr>
 * <td>TCP keepalive</td>
 * <td>off</td>
 * </tr>
 * <tr>
 * <td>verify certificate / hostname</td>
 * <td>{@code true} / {@code true}</td>
 * </tr>
 * <tr>
 * <td>custom CA</td>
 * <td>none (the JDK trust store)</td>
 * </tr>
 * <tr>
 * <td>ALPN</td>
 * <td>{@link Alpn#H1}</td>
 * </tr>
 * </table>
 *
 * <p>
 * Pingora counterpart: {@code pingora_core::upstreams::peer::PeerOptions}.
 *
 * @since 0.1.0
 */
public final class PeerOptions {

	private static final PeerOptions DEFAULTS = new PeerOptions(Duration.ofSeconds(10), null, Duration.ofSeconds(60),
			Duration.ofSeconds(60), Duration.ofSeconds(60), null, true, true, null, Alpn.H1, null);

	private final @Nullable Duration connectionTimeout;

	private final @Nullable Duration totalConnectionTimeout;

	private final @Nullable Duration readTimeout;

	private final @Nullable Duration writeTimeout;

	private final Duration idleTimeout;

	private final @Nullable TcpKeepalive tcpKeepalive;

	private final boolean verifyCert;

	private final boolean verifyHostname;

	private final @Nullable Path caCertificates;

	private final Alpn alpn;

	private final @Nullable ClientCertificate clientCertificate;

	private final int hash;

	private PeerOptions(@Nullable Duration connectionTimeout, @Nullable Duration totalConnectionTimeout,
			@Nullable Duration readTimeout, @Nullable Duration writeTimeout, Duration idleTimeout,
			@Nullable TcpKeepalive tcpKeepalive, boolean verifyCert, boolean verifyHostname,
			@Nullable Path caCertificates, Alpn alpn, @Nullable ClientCertificate clientCertificate) {
		this.connectionTimeout = connectionTimeout;
		this.totalConnectionTimeout = totalConnectionTimeout;
		this.readTimeout = readTimeout;
		this.writeTimeout = writeTimeout;
		this.idleTimeout = idleTimeout;
		this.tcpKeepalive = tcpKeepalive;
		this.verifyCert = verifyCert;
		this.verifyHostname = verifyHostname;
		this.caCertificates = caCertificates;
		this.alpn = alpn;
		this.clientCertificate = clientCertificate;
		this.hash = Objects.hash(connectionTimeout, totalConnectionTimeout, readTimeout, writeTimeout, idleTimeout,
				tcpKeepalive, verifyCert, verifyHostname, caCertificates, alpn, clientCertificate);
	}

	/**
	 * Return the default options.
	 * @return the defaults
	 */
	public static PeerOptions defaults() {
		return DEFAULTS;
	}

	/**
	 * Return the TCP connect timeout; expiry fails the attempt with
	 * {@code CONNECT_TIMEDOUT}.
	 * @return the timeout, or {@code null} for none
	 */
	public @Nullable Duration connectionTimeout() {
		return this.connectionTimeout;
	}

	/**
	 * Return a copy with the given TCP connect timeout.
	 * @param timeout the timeout, positive, or {@code null} for none
	 * @return a copy
	 */
	public PeerOptions withConnectionTimeout(@Nullable Duration timeout) {
		return new PeerOptions(positive("connectionTimeout", timeout), this.totalConnectionTimeout, this.readTimeout,
				this.writeTimeout, this.idleTimeout, this.tcpKeepalive, this.verifyCert, this.verifyHostname,
				this.caCertificates, this.alpn, this.clientCertificate);
	}

	/**
	 * Return the budget for establishing a connection, TCP and TLS together.
	 * @return the timeout, or {@code null} for none
	 */
	public @Nullable Duration totalConnectionTimeout() {
		return this.totalConnectionTimeout;
	}

	/**
	 * Return a copy with the given budget for TCP and TLS connection establishment.
	 * @param timeout the timeout, positive, or {@code null} for none
	 * @return a copy
	 */
	public PeerOptions withTotalConnectionTimeout(@Nullable Duration timeout) {
		return new PeerOptions(this.connectionTimeout, positive("totalConnectionTimeout", timeout), this.readTimeout,
				this.writeTimeout, this.idleTimeout, this.tcpKeepalive, this.verifyCert, this.verifyHostname,
				this.caCertificates, this.alpn, this.clientCertificate);
	}

	/**
	 * Return the longest time to wait between two reads of the upstream response, from
	 * the moment the request is sent; expiry fails the attempt with {@code READ_TIMEDOUT}
	 * (504).
	 * @return the timeout, or {@code null} for none
	 */
	public @Nullable Duration readTimeout() {
		return this.readTimeout;
	}

	/**
	 * Return a copy with the given read timeout.
	 * @param timeout the timeout, positive, or {@code null} for none
	 * @return a copy
	 */
	public PeerOptions withReadTimeout(@Nullable Duration timeout) {
		return new PeerOptions(this.connectionTimeout, this.totalConnectionTimeout, positive("readTimeout", timeout),
				this.writeTimeout, this.idleTimeout, this.tcpKeepalive, this.verifyCert, this.verifyHostname,
				this.caCertificates, this.alpn, this.clientCertificate);
	}

	/**
	 * Return the longest time one write to the upstream may take; expiry fails the
	 * attempt with {@code WRITE_TIMEDOUT} and closes the connection.
	 * @return the timeout, or {@code null} for none
	 */
	public @Nullable Duration writeTimeout() {
		return this.writeTimeout;
	}

	/**
	 * Return a copy with the given write timeout.
	 * @param timeout the timeout, positive, or {@code null} for none
	 * @return a copy
	 */
	public PeerOptions withWriteTimeout(@Nullable Duration timeout) {
		return new PeerOptions(this.connectionTimeout, this.totalConnectionTimeout, this.readTimeout,
				positive("writeTimeout", timeout), this.idleTimeout, this.tcpKeepalive, this.verifyCert,
				this.verifyHostname, this.caCertificates, this.alpn, this.clientCertificate);
	}

	/**
	 * Return how long an idle connection is kept in the pool for reuse.
	 * {@link Duration#ZERO} disables pooling: every request gets a new connection.
	 * @return the idle timeout
	 */
	public Duration idleTimeout() {
		return this.idleTimeout;
	}

	/**
	 * Return a copy with the given pool idle timeout.
	 * @param timeout the timeout, zero (no pooling) or positive
	 * @return a copy
	 */
	public PeerOptions withIdleTimeout(Duration timeout) {
		Objects.requireNonNull(timeout, "timeout");
		if (timeout.isNegative()) {
			throw new IllegalArgumentException("idleTimeout: " + timeout + " (expected: >= 0)");
		}
		return new PeerOptions(this.connectionTimeout, this.totalConnectionTimeout, this.readTimeout, this.writeTimeout,
				timeout, this.tcpKeepalive, this.verifyCert, this.verifyHostname, this.caCertificates, this.alpn,
				this.clientCertificate);
	}

	/**
	 * Return the TCP keepalive settings.
	 * @return the settings, or {@code null} if keepalive is off
	 */
	public @Nullable TcpKeepalive tcpKeepalive() {
		return this.tcpKeepalive;
	}

	/**
	 * Return a copy with the given TCP keepalive settings.
	 * @param keepalive the settings, or {@code null} to turn keepalive off
	 * @return a copy
	 */
	public PeerOptions withTcpKeepalive(@Nullable TcpKeepalive keepalive) {
		return new PeerOptions(this.connectionTimeout, this.totalConnectionTimeout, this.readTimeout, this.writeTimeout,
				this.idleTimeout, keepalive, this.verifyCert, this.verifyHostname, this.caCertificates, this.alpn,
				this.clientCertificate);
	}

	/**
	 * Whether the upstream's certificate chain is verified (TLS peers only). Verification
	 * is skipped when the peer's SNI is empty, as in Pingora.
	 * @return {@code true} to verify, the default
	 */
	public boolean verifyCert() {
		return this.verifyCert;
	}

	/**
	 * Return a copy that does or does not verify the upstream's certificate chain.
	 * @param verify {@code false} to trust any certificate (tests only)
	 * @return a copy
	 */
	public PeerOptions withVerifyCert(boolean verify) {
		return new PeerOptions(this.connectionTimeout, this.totalConnectionTimeout, this.readTimeout, this.writeTimeout,
				this.idleTimeout, this.tcpKeepalive, verify, this.verifyHostname, this.caCertificates, this.alpn,
				this.clientCertificate);
	}

	/**
	 * Whether the upstream's certificate must name the peer's SNI (TLS peers only).
	 * @return {@code true} to verify, the default
	 */
	public boolean verifyHostname() {
		return this.verifyHostname;
	}

	/**
	 * Return a copy that does or does not check the certificate's names against the SNI.
	 * @param verify {@code false} to accept any name
	 * @return a copy
	 */
	public PeerOptions withVerifyHostname(boolean verify) {
		return new PeerOptions(this.connectionTimeout, this.totalConnectionTimeout, this.readTimeout, this.writeTimeout,
				this.idleTimeout, this.tcpKeepalive, this.verifyCert, verify, this.caCertificates, this.alpn,
				this.clientCertificate);
	}

	/**
	 * Return the PEM file of CA certificates trusted for this peer instead of the JDK's.
	 * @return the file, or {@code null} to use the JDK trust store
	 */
	public @Nullable Path caCertificates() {
		return this.caCertificates;
	}

	/**
	 * Return a copy that trusts the CA certificates of a PEM file.
	 * @param pemFile the file, or {@code null} for the JDK trust store
	 * @return a copy
	 */
	public PeerOptions withCaCertificates(@Nullable Path pemFile) {
		return new PeerOptions(this.connectionTimeout, this.totalConnectionTimeout, this.readTimeout, this.writeTimeout,
				this.idleTimeout, this.tcpKeepalive, this.verifyCert, this.verifyHostname, pemFile, this.alpn,
				this.clientCertificate);
	}

	/**
	 * Return the certificate shown to the peer when it asks for one (mutual TLS).
	 * @return the certificate, or {@code null} for none
	 */
	public @Nullable ClientCertificate clientCertificate() {
		return this.clientCertificate;
	}

	/**
	 * Return a copy that shows a client certificate to peers that ask for one.
	 * @param certificate the certificate, or {@code null} for none
	 * @return a copy
	 */
	public PeerOptions withClientCertificate(@Nullable ClientCertificate certificate) {
		return new PeerOptions(this.connectionTimeout, this.totalConnectionTimeout, this.readTimeout, this.writeTimeout,
				this.idleTimeout, this.tcpKeepalive, this.verifyCert, this.verifyHostname, this.caCertificates,
				this.alpn, certificate);
	}

	/**
	 * A client certificate for mutual TLS with upstreams, as PEM files.
	 *
	 * @param chain the PEM certificate chain
	 * @param key the PEM private key (PKCS#8)
	 */
	public record ClientCertificate(Path chain, Path key) {

		/**
		 * Check the files.
		 * @param chain the PEM certificate chain
		 * @param key the PEM private key
		 */
		public ClientCertificate {
			Objects.requireNonNull(chain, "chain");
			Objects.requireNonNull(key, "key");
		}

	}

	/**
	 * Return the HTTP versions offered to the upstream: {@link Alpn#H1} (HTTP/1.1, pooled
	 * connections), {@link Alpn#H2} (HTTP/2: by ALPN over TLS, by prior knowledge (h2c)
	 * in the clear; requests are streams multiplexed on shared connections), or
	 * {@link Alpn#H2_H1} (HTTP/2 when the peer picks it by ALPN, else HTTP/1.1; HTTP/1.1
	 * in the clear).
	 * @return the ALPN preference
	 */
	public Alpn alpn() {
		return this.alpn;
	}

	/**
	 * Return a copy with the given ALPN preference.
	 * @param alpn the preference
	 * @return a copy
	 */
	public PeerOptions withAlpn(Alpn alpn) {
		Objects.requireNonNull(alpn, "alpn");
		return new PeerOptions(this.connectionTimeout, this.totalConnectionTimeout, this.readTimeout, this.writeTimeout,
				this.idleTimeout, this.tcpKeepalive, this.verifyCert, this.verifyHostname, this.caCertificates, alpn,
				this.clientCertificate);
	}

	@Override
	public boolean equals(@Nullable Object obj) {
		if (this == obj) {
			return true;
		}
		if (!(obj instanceof PeerOptions other) || this.hash != other.hash) {
			return false;
		}
		return Objects.equals(this.connectionTimeout, other.connectionTimeout)
				&& Objects.equals(this.totalConnectionTimeout, other.totalConnectionTimeout)
				&& Objects.equals(this.readTimeout, other.readTimeout)
				&& Objects.equals(this.writeTimeout, other.writeTimeout) && this.idleTimeout.equals(other.idleTimeout)
				&& Objects.equals(this.tcpKeepalive, other.tcpKeepalive) && this.verifyCert == other.verifyCert
				&& this.verifyHostname == other.verifyHostname
				&& Objects.equals(this.caCertificates, other.caCertificates) && this.alpn == other.alpn
				&& Objects.equals(this.clientCertificate, other.clientCertificate);
	}

	@Override
	public int hashCode() {
		return this.hash;
	}

	@Override
	public String toString() {
		return "PeerOptions{connectionTimeout=" + this.connectionTimeout + ", totalConnectionTimeout="
				+ this.totalConnectionTimeout + ", readTimeout=" + this.readTimeout + ", writeTimeout="
				+ this.writeTimeout + ", idleTimeout=" + this.idleTimeout + ", tcpKeepalive=" + this.tcpKeepalive
				+ ", verifyCert=" + this.verifyCert + ", verifyHostname=" + this.verifyHostname + ", caCertificates="
				+ this.caCertificates + ", alpn=" + this.alpn + ", clientCertificate=" + this.clientCertificate + "}";
	}

	private static @Nullable Duration positive(String name, @Nullable Duration timeout) {
		if (timeout != null && (timeout.isZero() || timeout.isNegative())) {
			throw new IllegalArgumentException(name + ": " + timeout + " (expected: > 0, or null for none)");
		}
		return timeout;
	}

}
