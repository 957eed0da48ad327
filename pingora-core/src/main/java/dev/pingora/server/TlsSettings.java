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

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManagerFactory;

import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;
import io.netty.util.DomainWildcardMappingBuilder;
import io.netty.util.Mapping;
import org.jspecify.annotations.Nullable;

/**
 * TLS termination on a listener: one or more certificates, picked by the name the client
 * asks for (SNI), the first one for clients that ask for none or for a name no
 * certificate has; optional client certificates (mutual TLS); TLS 1.3 and 1.2 with
 * forward-secret AEAD ciphers by default.
 *
 * <p>
 * Pingora counterpart: {@code TlsSettings} of {@code pingora-core::listeners} with
 * {@code TlsAccept} certificate callbacks.
 *
 * @since 0.1.0
 */
public final class TlsSettings {

	/**
	 * The protocol versions offered by default.
	 */
	public static final List<String> DEFAULT_PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

	/**
	 * The cipher suites offered by default (Mozilla's "intermediate" list): the TLS 1.3
	 * suites, and for TLS 1.2 only ECDHE key exchange (forward secrecy) with AEAD
	 * ciphers. Suites the provider lacks are left out.
	 */
	public static final List<String> DEFAULT_CIPHERS = List.of("TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384",
			"TLS_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
			"TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
			"TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
			"TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");

	private final List<Identity> identities;

	private final Verification clientAuth;

	private final byte @Nullable [] trustedCertificates;

	private final @Nullable TrustManagerFactory trustManager;

	private final List<String> protocols;

	private final @Nullable List<String> ciphers;

	private final Provider provider;

	private TlsSettings(Builder builder) {
		this.identities = List.copyOf(builder.identities);
		this.clientAuth = builder.clientAuth;
		this.trustedCertificates = builder.trustedCertificates;
		this.trustManager = builder.trustManager;
		this.protocols = List.copyOf(builder.protocols);
		this.ciphers = (builder.ciphers != null) ? List.copyOf(builder.ciphers) : null;
		this.provider = builder.provider;
	}

	/**
	 * Start building the settings.
	 * @return a builder
	 */
	public static Builder builder() {
		return new Builder();
	}

	/**
	 * Return the provider that will run the handshakes: OpenSSL (BoringSSL from
	 * netty-tcnative) when asked for or, with {@link Provider#AUTO}, when it is on the
	 * class path; the JDK otherwise.
	 * @return {@code OPENSSL} or {@code JDK}
	 * @throws IllegalStateException if OpenSSL is asked for and netty-tcnative is not
	 * usable
	 */
	public SslProvider sslProvider() {
		return switch (this.provider) {
			case JDK -> SslProvider.JDK;
			case OPENSSL -> {
				if (!OpenSsl.isAvailable()) {
					Throwable cause = OpenSsl.unavailabilityCause();
					throw new IllegalStateException(
							"TLS provider OPENSSL asked for, but netty-tcnative is not usable ("
									+ ((cause != null) ? cause.getMessage() : "not on the class path")
									+ "); add netty-tcnative-boringssl-static for this platform, or use AUTO or JDK",
							cause);
				}
				yield SslProvider.OPENSSL;
			}
			case AUTO -> OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK;
		};
	}

	/**
	 * Return whether client certificates are asked for.
	 * @return the client verification
	 */
	public Verification clientAuth() {
		return this.clientAuth;
	}

	/**
	 * Return the protocol versions offered.
	 * @return the protocols
	 */
	public List<String> protocols() {
		return this.protocols;
	}

	/**
	 * Build the SNI mapping from host names to TLS contexts: what a listener's
	 * {@code SniHandler} uses. Reads the certificate and key files.
	 * @return the mapping; names no certificate has get the first certificate
	 * @throws UncheckedIOException if a file cannot be read
	 * @throws IllegalArgumentException if a certificate or key is invalid
	 */
	public Mapping<String, SslContext> contexts() {
		return contexts(false);
	}

	/**
	 * Build the SNI mapping from host names to TLS contexts.
	 * @param http2 whether ALPN offers {@code h2} before {@code http/1.1}
	 * @return the mapping; names no certificate has get the first certificate
	 */
	public Mapping<String, SslContext> contexts(boolean http2) {
		SslProvider sslProvider = sslProvider();
		List<SslContext> contexts = new ArrayList<>();
		for (Identity identity : this.identities) {
			contexts.add(context(identity, sslProvider, http2));
		}
		DomainWildcardMappingBuilder<SslContext> mapping = new DomainWildcardMappingBuilder<>(contexts.get(0));
		for (int i = 0; i < this.identities.size(); i++) {
			for (String name : this.identities.get(i).names()) {
				mapping.add(name, contexts.get(i));
			}
		}
		return mapping.build();
	}

	private SslContext context(Identity identity, SslProvider sslProvider, boolean http2) {
		try {
			SslContextBuilder builder = (identity.keyManager() != null)
					? SslContextBuilder.forServer(identity.keyManager())
					: SslContextBuilder.forServer(new ByteArrayInputStream(Objects.requireNonNull(identity.chain())),
							new ByteArrayInputStream(Objects.requireNonNull(identity.key())), identity.keyPassword());
			builder.sslProvider(sslProvider)
				.protocols(this.protocols)
				.ciphers((this.ciphers != null) ? this.ciphers : DEFAULT_CIPHERS, SupportedCipherSuiteFilter.INSTANCE)
				.applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
						ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
						ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
						http2 ? List.of(ApplicationProtocolNames.HTTP_2, ApplicationProtocolNames.HTTP_1_1)
								: List.of(ApplicationProtocolNames.HTTP_1_1)));
			if (this.clientAuth != Verification.NONE) {
				builder
					.clientAuth((this.clientAuth == Verification.REQUIRE) ? ClientAuth.REQUIRE : ClientAuth.OPTIONAL);
				if (this.trustManager != null) {
					builder.trustManager(this.trustManager);
				}
				else if (this.trustedCertificates != null) {
					builder.trustManager(new ByteArrayInputStream(this.trustedCertificates));
				}
			}
			return builder.build();
		}
		catch (IOException ex) {
			throw new IllegalArgumentException("TLS: " + identity + ": " + ex.getMessage(), ex);
		}
	}

	@Override
	public String toString() {
		return "TlsSettings" + this.identities + ", clientAuth=" + this.clientAuth + ", protocols=" + this.protocols;
	}

	/**
	 * Whether clients must show a certificate.
	 */
	public enum Verification {

		/** Client certificates are not asked for. */
		NONE,

		/** A client certificate is asked for; a client may go on without one. */
		OPTIONAL,

		/** A client must show a certificate the trusted authorities signed. */
		REQUIRE

	}

	/**
	 * Who runs the handshakes.
	 */
	public enum Provider {

		/** OpenSSL when netty-tcnative is on the class path, the JDK otherwise. */
		AUTO,

		/** The JDK's TLS. */
		JDK,

		/** OpenSSL (BoringSSL) from netty-tcnative; fails if it is not there. */
		OPENSSL

	}

	/**
	 * A certificate with its key, and the host names it serves.
	 *
	 * @param source where the certificate came from, for messages
	 * @param chain the PEM certificate chain, or {@code null} with a key manager
	 * @param key the PEM private key, or {@code null} with a key manager
	 * @param keyPassword the key's password, or {@code null}
	 * @param keyManager the key manager (from a key store or a Spring SSL bundle), or
	 * {@code null} with PEM
	 * @param names the host names it is chosen for (exact, or {@code *.suffix})
	 */
	public record Identity(String source, byte @Nullable [] chain, byte @Nullable [] key, @Nullable String keyPassword,
			@Nullable KeyManagerFactory keyManager, Set<String> names) {

		/**
		 * Check the fields.
		 * @param source where the certificate came from
		 * @param chain the PEM certificate chain
		 * @param key the PEM private key
		 * @param keyPassword the key's password
		 * @param keyManager the key manager
		 * @param names the host names
		 */
		public Identity {
			Objects.requireNonNull(source, "source");
			if ((keyManager == null) == (chain == null || key == null)) {
				throw new IllegalArgumentException("an identity is a certificate chain and a key, or a key manager");
			}
			names = Set.copyOf(names);
		}

		@Override
		public String toString() {
			return this.source + " " + this.names;
		}

	}

	/**
	 * Builds {@link TlsSettings}.
	 */
	public static final class Builder {

		private final List<Identity> identities = new ArrayList<>();

		private Verification clientAuth = Verification.NONE;

		private byte @Nullable [] trustedCertificates;

		private @Nullable TrustManagerFactory trustManager;

		private List<String> protocols = DEFAULT_PROTOCOLS;

		private @Nullable List<String> ciphers;

		private Provider provider = Provider.AUTO;

		private Builder() {
		}

		/**
		 * Add a certificate from PEM files. It serves the host names of its subject
		 * alternative names (DNS) and, without any, of its common name. The first
		 * certificate added is also the default.
		 * @param chain the PEM certificate chain, the server's certificate first
		 * @param key the PEM private key (PKCS#8)
		 * @return this builder
		 * @throws UncheckedIOException if a file cannot be read
		 * @throws IllegalArgumentException if the chain holds no certificate
		 */
		public Builder certificate(Path chain, Path key) {
			return certificate(chain, key, null);
		}

		/**
		 * Add a certificate from PEM files with an encrypted key.
		 * @param chain the PEM certificate chain, the server's certificate first
		 * @param key the PEM private key (PKCS#8)
		 * @param keyPassword the key's password, or {@code null}
		 * @return this builder
		 */
		public Builder certificate(Path chain, Path key, @Nullable String keyPassword) {
			Objects.requireNonNull(chain, "chain");
			Objects.requireNonNull(key, "key");
			return certificate(chain.toString(), read(chain), read(key), keyPassword);
		}

		/**
		 * Add a certificate from PEM content.
		 * @param source where it came from, for messages (a file name, say)
		 * @param chain the PEM certificate chain, the server's certificate first
		 * @param key the PEM private key (PKCS#8)
		 * @param keyPassword the key's password, or {@code null}
		 * @return this builder
		 * @throws IllegalArgumentException if the chain holds no certificate
		 */
		public Builder certificate(String source, byte[] chain, byte[] key, @Nullable String keyPassword) {
			this.identities
				.add(new Identity(source, chain.clone(), key.clone(), keyPassword, null, hostNames(source, chain)));
			return this;
		}

		private static byte[] read(Path file) {
			try {
				return Files.readAllBytes(file);
			}
			catch (IOException ex) {
				throw new UncheckedIOException("TLS: cannot read " + file, ex);
			}
		}

		/**
		 * Add a certificate held by a key manager (a key store, a Spring SSL bundle).
		 * @param keyManager the key manager
		 * @param names the host names it serves; none for the default only
		 * @return this builder
		 */
		public Builder keyManager(KeyManagerFactory keyManager, Collection<String> names) {
			Objects.requireNonNull(keyManager, "keyManager");
			this.identities.add(new Identity("key manager", null, null, null, keyManager, normalized(names)));
			return this;
		}

		/**
		 * Ask clients for certificates signed by these authorities.
		 * @param verification optional or required
		 * @param trustedCertificates the PEM certificates of the trusted authorities
		 * @return this builder
		 */
		public Builder clientAuth(Verification verification, Path trustedCertificates) {
			return clientAuth(verification, read(Objects.requireNonNull(trustedCertificates, "trustedCertificates")));
		}

		/**
		 * Ask clients for certificates signed by these authorities.
		 * @param verification optional or required
		 * @param trustedCertificates the PEM certificates of the trusted authorities
		 * @return this builder
		 */
		public Builder clientAuth(Verification verification, byte[] trustedCertificates) {
			this.clientAuth = Objects.requireNonNull(verification, "verification");
			this.trustedCertificates = trustedCertificates.clone();
			this.trustManager = null;
			return this;
		}

		/**
		 * Ask clients for certificates that a trust manager accepts.
		 * @param verification optional or required
		 * @param trustManager the trust manager
		 * @return this builder
		 */
		public Builder clientAuth(Verification verification, TrustManagerFactory trustManager) {
			this.clientAuth = Objects.requireNonNull(verification, "verification");
			this.trustManager = Objects.requireNonNull(trustManager, "trustManager");
			this.trustedCertificates = null;
			return this;
		}

		/**
		 * Offer these protocol versions.
		 * @param protocols such as {@code TLSv1.3}, {@code TLSv1.2}
		 * @return this builder
		 */
		public Builder protocols(List<String> protocols) {
			if (protocols.isEmpty()) {
				throw new IllegalArgumentException("protocols: empty (expected: TLSv1.3, TLSv1.2 or both)");
			}
			this.protocols = List.copyOf(protocols);
			return this;
		}

		/**
		 * Offer these cipher suites (TLS 1.2 and 1.3 names of the provider).
		 * @param ciphers the suites, or {@code null} for {@link #DEFAULT_CIPHERS}
		 * @return this builder
		 */
		public Builder ciphers(@Nullable List<String> ciphers) {
			this.ciphers = (ciphers != null && !ciphers.isEmpty()) ? List.copyOf(ciphers) : null;
			return this;
		}

		/**
		 * Choose who runs the handshakes.
		 * @param provider the provider
		 * @return this builder
		 */
		public Builder provider(Provider provider) {
			this.provider = Objects.requireNonNull(provider, "provider");
			return this;
		}

		/**
		 * Build the settings.
		 * @return the settings
		 * @throws IllegalStateException without a certificate, or with client
		 * verification and no trusted authority
		 */
		public TlsSettings build() {
			if (this.identities.isEmpty()) {
				throw new IllegalStateException("TLS needs at least one certificate");
			}
			if (this.clientAuth != Verification.NONE && this.trustedCertificates == null && this.trustManager == null) {
				throw new IllegalStateException("client certificate verification needs trusted authorities");
			}
			return new TlsSettings(this);
		}

		private static Set<String> normalized(Collection<String> names) {
			Set<String> normalized = new LinkedHashSet<>();
			for (String name : names) {
				normalized.add(name.trim().toLowerCase(Locale.ROOT));
			}
			return normalized;
		}

		/**
		 * The DNS names of a PEM chain's first certificate: its subject alternative
		 * names, or its common name without any.
		 */
		static Set<String> hostNames(String source, byte[] chain) {
			X509Certificate certificate;
			try (InputStream in = new ByteArrayInputStream(chain)) {
				Collection<? extends java.security.cert.Certificate> certificates = CertificateFactory
					.getInstance("X.509")
					.generateCertificates(in);
				if (certificates.isEmpty()) {
					throw new IllegalArgumentException("TLS: " + source + " holds no certificate");
				}
				certificate = (X509Certificate) certificates.iterator().next();
			}
			catch (IOException ex) {
				throw new UncheckedIOException("TLS: cannot read " + source, ex);
			}
			catch (CertificateException ex) {
				throw new IllegalArgumentException("TLS: " + source + " is not a PEM certificate chain", ex);
			}
			List<String> names = new ArrayList<>();
			try {
				Collection<List<?>> alternatives = certificate.getSubjectAlternativeNames();
				if (alternatives != null) {
					for (List<?> alternative : alternatives) {
						if (Integer.valueOf(2).equals(alternative.get(0))) {
							names.add((String) alternative.get(1));
						}
					}
				}
			}
			catch (CertificateParsingException ex) {
				throw new IllegalArgumentException("TLS: " + source + ": unreadable subject alternative names", ex);
			}
			if (names.isEmpty()) {
				String subject = certificate.getSubjectX500Principal().getName();
				for (String part : subject.split(",")) {
					if (part.trim().startsWith("CN=")) {
						names.add(part.trim().substring(3));
					}
				}
			}
			return normalized(names);
		}

	}

}
