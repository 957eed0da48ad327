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

package dev.pingora.proxy.engine;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

import io.netty.util.AsciiString;

/**
 * The value of the {@code Date} header (RFC 9110 §5.6.7), formatted at most once per
 * second.
 */
final class HttpDate {

	private static final DateTimeFormatter FORMAT = DateTimeFormatter
		.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.ENGLISH)
		.withZone(ZoneOffset.UTC);

	private static volatile Cached cached = new Cached(0, new AsciiString(""));

	private HttpDate() {
	}

	static AsciiString now() {
		long second = System.currentTimeMillis() / 1000;
		Cached current = cached;
		if (current.second != second) {
			current = new Cached(second, new AsciiString(FORMAT.format(Instant.ofEpochSecond(second))));
			cached = current;
		}
		return current.value;
	}

	private record Cached(long second, AsciiString value) {
	}

}
