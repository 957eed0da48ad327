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

import io.netty.handler.codec.http.HttpMethod;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link RequestHeader} and {@link ResponseHeader}.
 */
class HeadersTests {

	@Test
	void requestTargetSplitsIntoPathAndQuery() {
		RequestHeader header = RequestHeader.of(HttpMethod.GET, "/a/b?c=d&e");
		assertThat(header.path()).isEqualTo("/a/b");
		assertThat(header.query()).isEqualTo("c=d&e");
		assertThat(header.setUri("/plain").query()).isNull();
	}

	@Test
	void copiesAreDeep() {
		RequestHeader original = RequestHeader.of(HttpMethod.GET, "/").setHeader("X-A", "1");
		RequestHeader copy = original.copy().setHeader("X-A", "2");
		assertThat(original.header("x-a")).isEqualTo("1");
		assertThat(copy.header("X-A")).isEqualTo("2");
	}

	@Test
	void responseStatusIsCheckedAndCustomReasonsKept() {
		ResponseHeader header = ResponseHeader.of(200);
		assertThat(header.reason()).isEqualTo("OK");
		assertThat(header.setReason("Fine").nettyStatus().reasonPhrase()).isEqualTo("Fine");
		assertThat(header.setStatus(404).reason()).isEqualTo("Not Found");
		assertThatIllegalArgumentException().isThrownBy(() -> ResponseHeader.of(99))
			.withMessage("status: 99 (expected: 100 to 999)");
	}

}
