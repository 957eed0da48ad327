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
import java.nio.file.Path;

import io.netty.channel.unix.DomainSocketAddress;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link Listener}.
 */
class ListenerTests {

	@Test
	void parsesTheAddressForms() {
		assertThat(Listener.parse("127.0.0.1:8080").bindAddress()).isEqualTo(new InetSocketAddress("127.0.0.1", 8080));
		assertThat(Listener.parse(":9090").bindAddress()).isEqualTo(new InetSocketAddress("0.0.0.0", 9090));
		assertThat(Listener.parse("[::1]:8443").bindAddress()).isEqualTo(new InetSocketAddress("::1", 8443));
		assertThat(Listener.parse("unix:/run/pingora.sock").bindAddress())
			.isEqualTo(new DomainSocketAddress("/run/pingora.sock"));
		assertThat(Listener.parse("unix:/run/pingora.sock").path()).isEqualTo(Path.of("/run/pingora.sock"));
	}

	@Test
	void rejectsBadAddressesWithTheExpectedForm() {
		assertThatIllegalArgumentException().isThrownBy(() -> Listener.parse("localhost"))
			.withMessageContaining("expected: host:port");
		assertThatIllegalArgumentException().isThrownBy(() -> Listener.parse("localhost:http"))
			.withMessageContaining("numeric port");
		assertThatIllegalArgumentException().isThrownBy(() -> Listener.tcp(70000))
			.withMessage("port: 70000 (expected: 0 to 65535)");
	}

}
