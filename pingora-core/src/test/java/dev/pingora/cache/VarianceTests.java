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

package dev.pingora.cache;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link Variance}.
 */
class VarianceTests {

	@Test
	void aResponseWithoutVaryHasNoVariance() {
		assertThat(Variance.of(new DefaultHttpHeaders(), request("Accept-Encoding", "gzip"))).isNull();
		assertThat(Variance.of(vary(",,"), request("Accept-Encoding", "gzip"))).isNull();
	}

	@Test
	void namesAreCaseInsensitiveInAnyOrderAndAcrossLines() {
		HttpHeaders req = request("Accept-Encoding", "gzip").add("Accept-Language", "en");
		String a = Variance.of(vary("Accept-Encoding, Accept-Language"), req);
		String b = Variance.of(new DefaultHttpHeaders().add("Vary", "accept-language").add("Vary", "ACCEPT-ENCODING"),
				req);
		assertThat(a).isNotNull().isEqualTo(b);
	}

	@Test
	void valuesDifferByContentNotByWhitespaceOrLineSplitting() {
		HttpHeaders vary = vary("Accept-Encoding");
		String oneLine = Variance.of(vary, request("Accept-Encoding", "gzip,br"));
		String spaced = Variance.of(vary, request("Accept-Encoding", "gzip ,  br"));
		String twoLines = Variance.of(vary, request("Accept-Encoding", "gzip").add("Accept-Encoding", "br"));
		assertThat(oneLine).isEqualTo(spaced).isEqualTo(twoLines);
		assertThat(Variance.of(vary, request("Accept-Encoding", "br"))).isNotEqualTo(oneLine);
	}

	@Test
	void anAbsentFieldDiffersFromAnEmptyOne() {
		HttpHeaders vary = vary("X-Mode");
		assertThat(Variance.of(vary, new DefaultHttpHeaders())).isNotEqualTo(Variance.of(vary, request("X-Mode", "")));
	}

	private static HttpHeaders vary(String value) {
		return new DefaultHttpHeaders().set("Vary", value);
	}

	private static HttpHeaders request(String name, String value) {
		return new DefaultHttpHeaders().add(name, value);
	}

}
