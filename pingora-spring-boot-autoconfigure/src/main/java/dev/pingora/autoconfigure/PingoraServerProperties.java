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

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * Configuration properties of the Pingora proxy server.
 *
 * @since 0.1.0
 */
@ConfigurationProperties("pingora.server")
public class PingoraServerProperties {

	/**
	 * Whether to start the proxy server.
	 */
	private boolean enabled = true;

	/**
	 * Addresses the proxy accepts connections on. Defaults to one listener on
	 * 0.0.0.0:8080.
	 */
	private List<Listener> listeners = new ArrayList<>(List.of(new Listener("0.0.0.0:8080")));

	/**
	 * Number of event-loop threads, shared by client and upstream connections. When not
	 * set, one per available processor.
	 */
	private @Nullable Integer threads;

	/**
	 * How long an idle client connection is kept open between requests.
	 */
	private Duration keepaliveTimeout = Duration.ofSeconds(60);

	/**
	 * Longest time between two reads of a request body from the client; a slower client
	 * gets 408. 0 means no limit.
	 */
	private @Nullable Duration readTimeout = Duration.ofSeconds(60);

	/**
	 * Most requests one client connection may carry; 0 means no limit.
	 */
	private int keepaliveRequestLimit;

	/**
	 * Longest request line accepted; longer ones get 414.
	 */
	private DataSize maxRequestLineLength = DataSize.ofKilobytes(16);

	/**
	 * Largest request header section accepted; larger ones get 431.
	 */
	private DataSize maxHeaderSize = DataSize.ofKilobytes(64);

	/**
	 * Most header fields a request may carry; more get 431.
	 */
	private int maxHeaders = 256;

	/**
	 * How long a graceful shutdown lets requests in progress finish. It is capped by
	 * spring.lifecycle.timeout-per-shutdown-phase.
	 */
	private Duration gracePeriod = Duration.ofSeconds(30);

	/**
	 * Whether to append X-Forwarded-For, X-Forwarded-Proto and X-Forwarded-Host to
	 * upstream requests.
	 */
	private boolean forwardedHeaders;

	/**
	 * Most upstream attempts per request, the first included; the per-upstream retries
	 * settle how many of them a route uses.
	 */
	private int maxRetries = 16;

	/**
	 * Most request body bytes kept to replay a request on another attempt.
	 */
	private DataSize retryBufferSize = DataSize.ofKilobytes(64);

	/**
	 * Most connections to one upstream backend, in use and idle together.
	 */
	private int maxConnectionsPerPeer = 2048;

	/**
	 * HTTP/2 from clients.
	 */
	private final Http2 http2 = new Http2();

	public Http2 getHttp2() {
		return this.http2;
	}

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public List<Listener> getListeners() {
		return this.listeners;
	}

	public void setListeners(List<Listener> listeners) {
		this.listeners = listeners;
	}

	public @Nullable Integer getThreads() {
		return this.threads;
	}

	public void setThreads(@Nullable Integer threads) {
		this.threads = threads;
	}

	public Duration getKeepaliveTimeout() {
		return this.keepaliveTimeout;
	}

	public void setKeepaliveTimeout(Duration keepaliveTimeout) {
		this.keepaliveTimeout = keepaliveTimeout;
	}

	public @Nullable Duration getReadTimeout() {
		return this.readTimeout;
	}

	public void setReadTimeout(@Nullable Duration readTimeout) {
		this.readTimeout = readTimeout;
	}

	public int getKeepaliveRequestLimit() {
		return this.keepaliveRequestLimit;
	}

	public void setKeepaliveRequestLimit(int keepaliveRequestLimit) {
		this.keepaliveRequestLimit = keepaliveRequestLimit;
	}

	public DataSize getMaxRequestLineLength() {
		return this.maxRequestLineLength;
	}

	public void setMaxRequestLineLength(DataSize maxRequestLineLength) {
		this.maxRequestLineLength = maxRequestLineLength;
	}

	public DataSize getMaxHeaderSize() {
		return this.maxHeaderSize;
	}

	public void setMaxHeaderSize(DataSize maxHeaderSize) {
		this.maxHeaderSize = maxHeaderSize;
	}

	public int getMaxHeaders() {
		return this.maxHeaders;
	}

	public void setMaxHeaders(int maxHeaders) {
		this.maxHeaders = maxHeaders;
	}

	public Duration getGracePeriod() {
		return this.gracePeriod;
	}

	public void setGracePeriod(Duration gracePeriod) {
		this.gracePeriod = gracePeriod;
	}

	public boolean isForwardedHeaders() {
		return this.forwardedHeaders;
	}

	public void setForwardedHeaders(boolean forwardedHeaders) {
		this.forwardedHeaders = forwardedHeaders;
	}

	public int getMaxRetries() {
		return this.maxRetries;
	}

	public void setMaxRetries(int maxRetries) {
		this.maxRetries = maxRetries;
	}

	public DataSize getRetryBufferSize() {
		return this.retryBufferSize;
	}

	public void setRetryBufferSize(DataSize retryBufferSize) {
		this.retryBufferSize = retryBufferSize;
	}

	public int getMaxConnectionsPerPeer() {
		return this.maxConnectionsPerPeer;
	}

	public void setMaxConnectionsPerPeer(int maxConnectionsPerPeer) {
		this.maxConnectionsPerPeer = maxConnectionsPerPeer;
	}

	/**
	 * One address the proxy accepts connections on.
	 */
	public static class Listener {

		/**
		 * Address to bind: host:port, [v6-address]:port, :port (every interface) or
		 * unix:/path for a Unix domain socket.
		 */
		private @Nullable String address;

		/**
		 * TLS termination on this listener.
		 */
		private final Tls tls = new Tls();

		public Listener() {
		}

		Listener(String address) {
			this.address = address;
		}

		public @Nullable String getAddress() {
			return this.address;
		}

		public void setAddress(@Nullable String address) {
			this.address = address;
		}

		public Tls getTls() {
			return this.tls;
		}

	}

	/**
	 * TLS termination settings of a listener (not available in this version).
	 */
	public static class Tls extends Certificate {

		/**
		 * Name of a Spring SSL bundle (spring.ssl.bundle.*) holding the default
		 * certificate, instead of certificate and private-key.
		 */
		private @Nullable String bundle;

		/**
		 * More certificates, each chosen for the host names it names (SNI); the default
		 * one serves every other name.
		 */
		private List<Certificate> certificates = new ArrayList<>();

		/**
		 * Whether clients must show a certificate: none, optional or require.
		 */
		private String clientAuth = "none";

		/**
		 * Location of the PEM certificates of the authorities client certificates must be
		 * signed by; with a bundle, its trust store serves when this is not set.
		 */
		private @Nullable String trustCertificates;

		/**
		 * Protocol versions offered.
		 */
		private List<String> protocols = new ArrayList<>(List.of("TLSv1.3", "TLSv1.2"));

		/**
		 * Cipher suites offered; empty for the provider's modern default.
		 */
		private List<String> ciphers = new ArrayList<>();

		/**
		 * Who runs the handshakes: auto (OpenSSL when netty-tcnative is present, else the
		 * JDK), jdk or openssl.
		 */
		private String provider = "auto";

		public @Nullable String getBundle() {
			return this.bundle;
		}

		public void setBundle(@Nullable String bundle) {
			this.bundle = bundle;
		}

		public List<Certificate> getCertificates() {
			return this.certificates;
		}

		public void setCertificates(List<Certificate> certificates) {
			this.certificates = certificates;
		}

		public String getClientAuth() {
			return this.clientAuth;
		}

		public void setClientAuth(String clientAuth) {
			this.clientAuth = clientAuth;
		}

		public @Nullable String getTrustCertificates() {
			return this.trustCertificates;
		}

		public void setTrustCertificates(@Nullable String trustCertificates) {
			this.trustCertificates = trustCertificates;
		}

		public List<String> getProtocols() {
			return this.protocols;
		}

		public void setProtocols(List<String> protocols) {
			this.protocols = protocols;
		}

		public List<String> getCiphers() {
			return this.ciphers;
		}

		public void setCiphers(List<String> ciphers) {
			this.ciphers = ciphers;
		}

		public String getProvider() {
			return this.provider;
		}

		public void setProvider(String provider) {
			this.provider = provider;
		}

		/**
		 * Whether any TLS setting is given.
		 * @return {@code true} if the listener terminates TLS
		 */
		public boolean isConfigured() {
			return getCertificate() != null || getPrivateKey() != null || this.bundle != null
					|| !this.certificates.isEmpty();
		}

	}

	/**
	 * HTTP/2 from clients: by ALPN on TLS listeners, by prior knowledge (h2c) on plain
	 * ones, beside HTTP/1.1.
	 */
	public static class Http2 {

		/**
		 * Whether clients may speak HTTP/2.
		 */
		private boolean enabled = true;

		/**
		 * The most streams (requests) open at once on one client connection.
		 */
		private int maxConcurrentStreams = 128;

		/**
		 * The flow-control window of each request body.
		 */
		private DataSize initialWindowSize = DataSize.ofMegabytes(1);

		/**
		 * The most requests sharing one HTTP/2 connection to an upstream (the upstream's
		 * own limit may be lower); more open another connection.
		 */
		private int upstreamMaxConcurrentStreams = 100;

		public int getUpstreamMaxConcurrentStreams() {
			return this.upstreamMaxConcurrentStreams;
		}

		public void setUpstreamMaxConcurrentStreams(int upstreamMaxConcurrentStreams) {
			this.upstreamMaxConcurrentStreams = upstreamMaxConcurrentStreams;
		}

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public int getMaxConcurrentStreams() {
			return this.maxConcurrentStreams;
		}

		public void setMaxConcurrentStreams(int maxConcurrentStreams) {
			this.maxConcurrentStreams = maxConcurrentStreams;
		}

		public DataSize getInitialWindowSize() {
			return this.initialWindowSize;
		}

		public void setInitialWindowSize(DataSize initialWindowSize) {
			this.initialWindowSize = initialWindowSize;
		}

	}

	/**
	 * A certificate: the default one of a listener ({@link Tls}), or one chosen by SNI.
	 */
	public static class Certificate {

		/**
		 * Location of the PEM certificate chain, for example file:chain.pem or
		 * classpath:chain.pem; chosen by SNI for the DNS names of its subject alternative
		 * names (or its common name).
		 */
		private @Nullable String certificate;

		/**
		 * Location of the PEM private key (PKCS#8).
		 */
		private @Nullable String privateKey;

		/**
		 * Password of the private key, if it is encrypted.
		 */
		private @Nullable String privateKeyPassword;

		public @Nullable String getCertificate() {
			return this.certificate;
		}

		public void setCertificate(@Nullable String certificate) {
			this.certificate = certificate;
		}

		public @Nullable String getPrivateKey() {
			return this.privateKey;
		}

		public void setPrivateKey(@Nullable String privateKey) {
			this.privateKey = privateKey;
		}

		public @Nullable String getPrivateKeyPassword() {
			return this.privateKeyPassword;
		}

		public void setPrivateKeyPassword(@Nullable String privateKeyPassword) {
			this.privateKeyPassword = privateKeyPassword;
		}

	}

}
