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

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * HTTP dates as RFC 9110 §5.6.7 defines them, strictly: the IMF-fixdate and the two
 * obsolete formats (RFC 850 and asctime) a recipient must still accept, and nothing else
 * (no other zone than {@code GMT}, no extra spaces, no one-digit hours), so that an
 * invalid {@code Expires} counts as a time in the past (RFC 9111 §5.3), as it must. Names
 * of days, months and the zone are matched without regard to case.
 *
 * @since 0.1.0
 */
public final class HttpDates {

	private static final String DAY = "(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)";

	private static final String LONG_DAY = "(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)";

	private static final String MONTH = "(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)";

	private static final String TIME = "(\\d{2}):(\\d{2}):(\\d{2})";

	private static final Pattern IMF_FIXDATE = Pattern
		.compile(DAY + ", (\\d{2}) " + MONTH + " (\\d{4}) " + TIME + " GMT", Pattern.CASE_INSENSITIVE);

	private static final Pattern RFC_850 = Pattern
		.compile(LONG_DAY + ", (\\d{2})-" + MONTH + "-(\\d{2}) " + TIME + " GMT", Pattern.CASE_INSENSITIVE);

	private static final Pattern ASCTIME = Pattern.compile(DAY + " " + MONTH + " ([ \\d]\\d) " + TIME + " (\\d{4})",
			Pattern.CASE_INSENSITIVE);

	private static final List<String> MONTHS = List.of("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep",
			"oct", "nov", "dec");

	private HttpDates() {
	}

	/**
	 * Parse an HTTP date.
	 * @param value the field value
	 * @return the instant, or {@code null} if the value is not a valid HTTP date
	 */
	public static @Nullable Instant parse(@Nullable String value) {
		if (value == null) {
			return null;
		}
		String text = value.trim();
		Matcher imf = IMF_FIXDATE.matcher(text);
		if (imf.matches()) {
			return instant(Integer.parseInt(imf.group(3)), imf.group(2), imf.group(1), imf.group(4), imf.group(5),
					imf.group(6));
		}
		Matcher rfc850 = RFC_850.matcher(text);
		if (rfc850.matches()) {
			return instant(fullYear(Integer.parseInt(rfc850.group(3))), rfc850.group(2), rfc850.group(1),
					rfc850.group(4), rfc850.group(5), rfc850.group(6));
		}
		Matcher asctime = ASCTIME.matcher(text);
		if (asctime.matches()) {
			return instant(Integer.parseInt(asctime.group(6)), asctime.group(1), asctime.group(2).trim(),
					asctime.group(3), asctime.group(4), asctime.group(5));
		}
		return null;
	}

	/**
	 * A two-digit year more than 50 years in the future is in the past century (RFC 9110
	 * §5.6.7).
	 */
	private static int fullYear(int twoDigits) {
		int now = LocalDateTime.now(ZoneOffset.UTC).getYear();
		int year = (now / 100) * 100 + twoDigits;
		return (year > now + 50) ? year - 100 : year;
	}

	private static @Nullable Instant instant(int year, String month, String day, String hour, String minute,
			String second) {
		try {
			return LocalDateTime
				.of(year, MONTHS.indexOf(month.toLowerCase(Locale.ROOT)) + 1, Integer.parseInt(day),
						Integer.parseInt(hour), Integer.parseInt(minute), Integer.parseInt(second))
				.toInstant(ZoneOffset.UTC);
		}
		catch (DateTimeException ex) {
			return null;
		}
	}

}
