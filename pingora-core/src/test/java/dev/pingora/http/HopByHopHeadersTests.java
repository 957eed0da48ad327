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

package dev.pingora.http;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link HopByHopHeaders}.
 */
class HopByHopHeadersTests {

	@Test
	void removesTheFixedFieldsAndThoseConnectionNames() {
		HttpHeaders headers = new DefaultHttpHeaders().add("Connection", "keep-alive, X-One")
			.add("Connection", "x-two,close")
			.add("X-One", "1")
			.add("X-Two", "2")
			.add("Keep-Alive", "timeout=5")
			.add("Proxy-Connection", "keep-alive")
			.add("TE", "trailers")
			.add("Transfer-Encoding", "chunked")
			.add("Upgrade", "h2c")
			.add("X-Stays", "yes")
			.add("Trailer", "X-Checksum");
		HopByHopHeaders.remove(headers);
		assertThat(headers.names()).containsExactlyInAnyOrder("X-Stays", "Trailer");
	}

	@Test
	void recognisesHopByHopNamesInAnyCase() {
		assertThat(HopByHopHeaders.isHopByHop("TRANSFER-ENCODING")).isTrue();
		assertThat(HopByHopHeaders.isHopByHop("keep-alive")).isTrue();
		assertThat(HopByHopHeaders.isHopByHop("Content-Length")).isFalse();
	}

}
