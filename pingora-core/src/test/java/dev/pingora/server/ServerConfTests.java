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

import java.time.Duration;

import dev.pingora.test.ForwardingProxy;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Tests for {@link ServerConf} and the checks of {@link Server.Builder}.
 */
class ServerConfTests {

	@Test
	void defaultsFollowPingoraWhereItHasOne() {
		ServerConf conf = ServerConf.defaults();
		assertThat(conf.maxRetries()).isEqualTo(16);
		assertThat(conf.retryBufferSize()).isEqualTo(64 * 1024);
		assertThat(conf.keepaliveTimeout()).isEqualTo(Duration.ofSeconds(60));
		assertThat(conf.readTimeout()).isEqualTo(Duration.ofSeconds(60));
		assertThat(conf.maxHeaders()).isEqualTo(256);
		assertThat(conf.forwardedHeaders()).isFalse();
		assertThat(conf.threads()).isEqualTo(Runtime.getRuntime().availableProcessors());
	}

	@Test
	void toBuilderKeepsEverySetting() {
		ServerConf conf = ServerConf.builder()
			.threads(3)
			.gracePeriod(Duration.ofSeconds(5))
			.maxRetries(2)
			.retryBufferSize(1024)
			.keepaliveTimeout(Duration.ofSeconds(7))
			.readTimeout(null)
			.keepaliveRequestLimit(100)
			.maxRequestLineLength(4096)
			.maxHeaderSize(8192)
			.maxHeaders(50)
			.forwardedHeaders(true)
			.maxConnectionsPerPeer(10)
			.build();
		ServerConf copy = conf.toBuilder().build();
		assertThat(copy).usingRecursiveComparison().isEqualTo(conf);
	}

	@Test
	void badValuesAreRejectedWithTheNameAndTheExpectation() {
		assertThatIllegalArgumentException().isThrownBy(() -> ServerConf.builder().maxRetries(0))
			.withMessage("maxRetries: 0 (expected: >= 1)");
		assertThatIllegalArgumentException().isThrownBy(() -> ServerConf.builder().keepaliveTimeout(Duration.ZERO))
			.withMessage("keepaliveTimeout: PT0S (expected: > 0)");
		assertThatIllegalArgumentException().isThrownBy(() -> ServerConf.builder().threads(0))
			.withMessage("threads: 0 (expected: >= 1)");
	}

	@Test
	void aServerNeedsAProxyAndAListener() {
		assertThatIllegalStateException().isThrownBy(() -> Server.builder().listen(Listener.tcp(0)).build())
			.withMessageContaining("proxy: none");
		assertThatIllegalStateException().isThrownBy(() -> Server.builder().proxy(new ForwardingProxy(1)).build())
			.withMessageContaining("listeners: none");
	}

}
