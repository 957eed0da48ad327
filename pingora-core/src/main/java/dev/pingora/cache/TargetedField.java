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

import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Validation of a targeted cache-control field such as {@code CDN-Cache-Control}.
 */
final class TargetedField {

	private static final Pattern SF_KEY = Pattern.compile("[a-z*][a-z0-9_\\-.*]*");

	private static final Pattern SF_INTEGER = Pattern.compile("-?[0-9]{1,15}");

	private static final Set<String> SECONDS = Set.of("max-age", "s-maxage", "stale-while-revalidate",
			"stale-if-error");

	private TargetedField() {
	}

	/**
	 * Whether a targeted field is a valid Structured Field dictionary (RFC 9213 §2.1, RFC
	 * 8941): lower-case keys, and integers where directives take seconds. An invalid one
	 * is ignored.
	 */
	static boolean isValid(List<String> lines) {
		if (lines.isEmpty()) {
			return false;
		}
		for (String line : lines) {
			for (String member : line.split(",", -1)) {
				String text = member.trim();
				int semicolon = text.indexOf(';');
				String item = (semicolon >= 0) ? text.substring(0, semicolon) : text;
				int equals = item.indexOf('=');
				String key = (equals >= 0) ? item.substring(0, equals) : item;
				if (!SF_KEY.matcher(key).matches()) {
					return false;
				}
				if (equals >= 0 && SECONDS.contains(key) && !SF_INTEGER.matcher(item.substring(equals + 1)).matches()) {
					return false;
				}
			}
		}
		return true;
	}

}
