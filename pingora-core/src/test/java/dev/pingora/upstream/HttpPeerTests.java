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
import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link HttpPeer} and {@link PeerOptions}.
 */
class HttpPeerTests {

	@Test
	void hostNamesAreNotResolvedWhenThePeerIsBuilt() {
		InetSocketAddress named = (InetSocketAddress) HttpPeer.of("origin.invalid", 80).address();
		assertThat(named.isUnresolved()).isTrue();
		InetSocketAddress literal = (InetSocketAddress) HttpPeer.of("127.0.0.1", 80).address();
		assertThat(literal.isUnresolved()).isFalse();
	}

	@Test
	void tlsPeersSendTheHostAsSniUnlessItIsAnAddress() {
		assertThat(HttpPeer.tls("origin.test", 443).sni()).isEqualTo("origin.test");
		assertThat(HttpPeer.tls("10.0.0.1", 443).sni()).isEmpty();
	}

	@Test
	void identityCoversAddressTlsSniAndOptions() {
		HttpPeer peer = HttpPeer.of("127.0.0.1", 8080);
		assertThat(peer).isEqualTo(HttpPeer.of("127.0.0.1", 8080)).hasSameHashCodeAs(HttpPeer.of("127.0.0.1", 8080));
		assertThat(peer.withSni("a.test")).isNotEqualTo(peer);
		assertThat(peer.withTls(true)).isNotEqualTo(peer);
		assertThat(peer.withOptions(PeerOptions.defaults().withAlpn(Alpn.H2))).isNotEqualTo(peer);
		assertThat(peer.withTls(true).withSni("a.test")).hasToString("127.0.0.1:8080 (tls, sni=a.test)");
	}

	@Test
	void optionsHaveProductionDefaultsAndCheckedCopies() {
		PeerOptions defaults = PeerOptions.defaults();
		assertThat(defaults.connectionTimeout()).isEqualTo(Duration.ofSeconds(10));
		assertThat(defaults.readTimeout()).isEqualTo(Duration.ofSeconds(60));
		assertThat(defaults.idleTimeout()).isEqualTo(Duration.ofSeconds(60));
		assertThat(defaults.verifyCert()).isTrue();
		assertThat(defaults.verifyHostname()).isTrue();
		assertThat(defaults.alpn()).isEqualTo(Alpn.H1);
		assertThat(defaults.withReadTimeout(null).readTimeout()).isNull();
		assertThat(defaults.withReadTimeout(Duration.ofSeconds(1))).isNotEqualTo(defaults);
		assertThatIllegalArgumentException().isThrownBy(() -> defaults.withReadTimeout(Duration.ZERO))
			.withMessage("readTimeout: PT0S (expected: > 0, or null for none)");
		assertThatIllegalArgumentException().isThrownBy(() -> HttpPeer.of("127.0.0.1", 0))
			.withMessage("port: 0 (expected: 1 to 65535)");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new TcpKeepalive(Duration.ofMillis(10), Duration.ofSeconds(1), 3))
			.withMessageContaining("idle");
	}

}
