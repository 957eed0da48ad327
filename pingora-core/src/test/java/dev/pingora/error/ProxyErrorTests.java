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

package dev.pingora.error;

import dev.pingora.proxy.FailToProxy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link ProxyError} and the default status mapping of {@link FailToProxy}.
 */
class ProxyErrorTests {

	@ParameterizedTest(name = "{0} from {1} -> {2}")
	@CsvSource({ "CONNECT_REFUSED, UPSTREAM, 502", "CONNECT_TIMEDOUT, UPSTREAM, 504", "READ_TIMEDOUT, UPSTREAM, 504",
			"WRITE_TIMEDOUT, UPSTREAM, 504", "CONNECTION_CLOSED, UPSTREAM, 502", "TLS_HANDSHAKE_FAILURE, UPSTREAM, 502",
			"UNKNOWN_ERROR, UPSTREAM, 502", "INVALID_HTTP_HEADER, DOWNSTREAM, 400", "READ_ERROR, DOWNSTREAM, 0",
			"READ_TIMEDOUT, DOWNSTREAM, 408", "WRITE_ERROR, DOWNSTREAM, 0", "CONNECTION_CLOSED, DOWNSTREAM, 0",
			"INTERNAL_ERROR, INTERNAL, 500", "UNKNOWN_ERROR, UNSET, 500" })
	void theDefaultStatusFollowsTypeAndSource(ErrorType type, ErrorSource source, int status) {
		assertThat(FailToProxy.statusOf(ProxyError.of(type, source, "test", null))).isEqualTo(status);
	}

	@Test
	void anHttpStatusErrorCarriesItsStatus() {
		ProxyError error = ProxyError.status(429, "slow down");
		assertThat(FailToProxy.statusOf(error)).isEqualTo(429);
		assertThat(error.getMessage()).isEqualTo("HTTP_STATUS(429) (unset): slow down");
		assertThatIllegalArgumentException().isThrownBy(() -> ProxyError.status(600, "x"))
			.withMessage("status: 600 (expected: 100 to 599)");
	}

	@Test
	void retryDecisionsAndSourceCopies() {
		ProxyError error = ProxyError.upstream(ErrorType.CONNECTION_CLOSED, "peer", null);
		assertThat(error.isRetry()).isFalse();
		assertThat(error.setRetry(RetryType.REUSED_ONLY).isRetry()).isFalse();
		assertThat(error.setRetry(true).isRetry()).isTrue();
		ProxyError internal = ProxyError.internal("bug", new IllegalStateException("boom"));
		ProxyError upstream = internal.withSource(ErrorSource.UPSTREAM);
		assertThat(upstream.source()).isEqualTo(ErrorSource.UPSTREAM);
		assertThat(upstream.getCause()).isSameAs(internal.getCause());
		assertThat(upstream.getMessage()).isEqualTo("INTERNAL_ERROR (upstream): bug: IllegalStateException: boom");
		assertThat(ProxyError.from(new IllegalStateException("x")).type()).isEqualTo(ErrorType.INTERNAL_ERROR);
	}

}
