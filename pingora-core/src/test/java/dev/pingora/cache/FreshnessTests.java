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

import java.time.Duration;
import java.time.Instant;
import java.util.Date;

import io.netty.handler.codec.DateFormatter;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link CacheControl} parsing and the RFC 9111 rules of {@link Freshness}.
 */
class FreshnessTests {

	private static final Instant NOW = Instant.parse("2026-11-23T12:00:00Z");

	@Test
	void directivesAreCaseInsensitiveQuotedOrNotAndTheFirstOccurrenceWins() {
		CacheControl cc = CacheControl
			.parse("Max-Age=\"60\", PUBLIC;s-maxage=30, max-age=5, no-cache=\"Set-Cookie, X-A\"");
		assertThat(cc.maxAge()).isEqualTo(60);
		assertThat(cc.sMaxAge()).isEqualTo(30);
		assertThat(cc.isPublic()).isTrue();
		assertThat(cc.noCache()).as("no-cache with field names is not a bare no-cache").isFalse();
		assertThat(cc.fieldsToStrip()).containsExactly("set-cookie", "x-a");
	}

	@Test
	void everyFieldLineCounts() {
		HttpHeaders headers = new DefaultHttpHeaders().add("Cache-Control", "public")
			.add("Cache-Control", "max-age=10");
		CacheControl cc = CacheControl.of(headers);
		assertThat(cc.isPublic()).isTrue();
		assertThat(cc.maxAge()).isEqualTo(10);
	}

	@Test
	void deltaSecondsOverflowSaturatesAndGarbageIsInvalid() {
		assertThat(CacheControl.parse("max-age=99999999999999").maxAge()).isEqualTo(Integer.MAX_VALUE);
		assertThat(CacheControl.parse("max-age=-1").maxAge()).isEqualTo(CacheControl.INVALID);
		assertThat(CacheControl.parse("max-age=1.5").maxAge()).isEqualTo(CacheControl.INVALID);
		assertThat(CacheControl.parse("max-age").maxAge()).isEqualTo(CacheControl.INVALID);
		assertThat(CacheControl.parse("no-store").maxAge()).isNull();
	}

	@Test
	void sMaxAgeBeatsMaxAgeWhichBeatsExpires() {
		HttpHeaders headers = headers(NOW).set("Expires", http(NOW.plusSeconds(1000)));
		assertThat(lifetime(200, "max-age=100, s-maxage=50", headers)).hasSeconds(50);
		assertThat(lifetime(200, "max-age=100", headers)).hasSeconds(100);
		assertThat(lifetime(200, "", headers)).hasSeconds(1000);
	}

	@Test
	void expiresCountsFromDateAndAnInvalidExpiresIsAlreadyStale() {
		HttpHeaders headers = headers(NOW.minusSeconds(30)).set("Expires", http(NOW.plusSeconds(30)));
		assertThat(lifetime(200, "", headers)).hasSeconds(60);
		assertThat(lifetime(200, "", headers(NOW).set("Expires", "0"))).isZero();
		assertThat(lifetime(200, "", headers(NOW).set("Expires", http(NOW.minusSeconds(5))))).isZero();
	}

	@Test
	void noCacheAndInvalidMaxAgeAreStaleAtOnce() {
		assertThat(lifetime(200, "no-cache, max-age=100", headers(NOW))).isZero();
		assertThat(lifetime(200, "max-age=abc", headers(NOW))).isZero();
	}

	@Test
	void heuristicFreshnessIsATenthOfTheTimeSinceLastModifiedForCacheableStatuses() {
		HttpHeaders headers = headers(NOW).set("Last-Modified", http(NOW.minusSeconds(1000)));
		assertThat(lifetime(200, "", headers)).hasSeconds(100);
		assertThat(lifetime(404, "", headers)).hasSeconds(100);
		assertThat(lifetime(302, "", headers)).as("302 is not heuristically cacheable").isZero();
		assertThat(lifetime(302, "public", headers)).hasSeconds(100);
		HttpHeaders old = headers(NOW).set("Last-Modified", http(NOW.minus(Duration.ofDays(365))));
		assertThat(lifetime(200, "", old)).isEqualTo(Freshness.MAX_HEURISTIC);
	}

	@Test
	void initialAgeTakesTheLargerOfTheApparentAgeAndTheCorrectedAgeField() {
		HttpHeaders aged = headers(NOW).set("Age", "20");
		assertThat(Freshness.initialAge(aged, NOW.minusSeconds(2), NOW)).hasSeconds(22);
		HttpHeaders late = headers(NOW.minusSeconds(50));
		assertThat(Freshness.initialAge(late, NOW, NOW)).hasSeconds(50);
		HttpHeaders future = headers(NOW.plusSeconds(50));
		assertThat(Freshness.initialAge(future, NOW, NOW)).isZero();
	}

	@Test
	void storageRulesForASharedCache() {
		HttpHeaders fresh = headers(NOW);
		assertThat(storable(HttpMethod.GET, "", false, 200, "max-age=60", fresh)).isNull();
		assertThat(storable(HttpMethod.POST, "", false, 200, "max-age=60", fresh)).contains("method");
		assertThat(storable(HttpMethod.GET, "no-store", false, 200, "max-age=60", fresh)).contains("request");
		assertThat(storable(HttpMethod.GET, "", false, 200, "max-age=60, no-store", fresh)).isEqualTo("no-store");
		assertThat(storable(HttpMethod.GET, "", false, 200, "private, max-age=60", fresh)).isEqualTo("private");
		assertThat(storable(HttpMethod.GET, "", false, 200, "private=\"Set-Cookie\", max-age=60", fresh)).isNull();
		assertThat(storable(HttpMethod.GET, "", true, 200, "max-age=60", fresh)).contains("Authorization");
		assertThat(storable(HttpMethod.GET, "", true, 200, "s-maxage=60", fresh)).isNull();
		assertThat(storable(HttpMethod.GET, "", true, 200, "public", fresh)).isNull();
		assertThat(storable(HttpMethod.GET, "", false, 302, "", fresh)).contains("without explicit freshness");
		assertThat(storable(HttpMethod.GET, "", false, 200, "", fresh)).contains("validator");
		assertThat(storable(HttpMethod.GET, "", false, 200, "", headers(NOW).set("ETag", "\"v1\""))).isNull();
		assertThat(storable(HttpMethod.GET, "", false, 200, "max-age=60", headers(NOW).set("Vary", "*")))
			.isEqualTo("Vary: *");
	}

	@Test
	void mustRevalidateProxyRevalidateAndSMaxAgeForbidStaleServing() {
		assertThat(Freshness.forbidsStale(CacheControl.parse("max-age=1, must-revalidate"))).isTrue();
		assertThat(Freshness.forbidsStale(CacheControl.parse("proxy-revalidate"))).isTrue();
		assertThat(Freshness.forbidsStale(CacheControl.parse("s-maxage=1"))).isTrue();
		assertThat(Freshness.forbidsStale(CacheControl.parse("max-age=1, stale-if-error=60"))).isFalse();
	}

	private static Duration lifetime(int status, String cacheControl, HttpHeaders headers) {
		return Freshness.lifetime(status, CacheControl.parse(cacheControl), headers, NOW);
	}

	private static String storable(HttpMethod method, String request, boolean authorization, int status,
			String response, HttpHeaders headers) {
		return Freshness.whyNotStorable(method, CacheControl.parse(request), authorization, status,
				CacheControl.parse(response), headers);
	}

	private static HttpHeaders headers(Instant date) {
		return new DefaultHttpHeaders().set("Date", http(date));
	}

	private static String http(Instant instant) {
		return DateFormatter.format(Date.from(instant));
	}

	@Test
	void httpDatesAreParsedStrictly() {
		Instant expected = Instant.parse("2050-08-18T02:01:18Z");
		assertThat(HttpDates.parse("Thu, 18 Aug 2050 02:01:18 GMT")).isEqualTo(expected);
		assertThat(HttpDates.parse("THU, 18 AUG 2050 02:01:18 gmt")).isEqualTo(expected);
		assertThat(HttpDates.parse("Thursday, 18-Aug-50 02:01:18 GMT")).isEqualTo(expected);
		assertThat(HttpDates.parse("Thu Aug 18 02:01:18 2050")).isEqualTo(expected);
		assertThat(HttpDates.parse("Thu Aug  8 02:01:18 2050")).isEqualTo(Instant.parse("2050-08-08T02:01:18Z"));
		for (String invalid : new String[] { "Thu, 18 Aug 2050 02:01:18 UTC", "Thu, 18 Aug 50 02:01:18 GMT",
				"Thu 18 Aug 2050 02:01:18 GMT", "Thu, 18  Aug  2050 02:01:18 GMT", "Thu, 18-Aug-2050 02:01:18 GMT",
				"Thu, 18 Aug 2050 2:01:18 GMT", "Thu, 18 Aug 2050 02.01.18 GMT", "Thu, 31 Feb 2050 02:01:18 GMT",
				"0" }) {
			assertThat(HttpDates.parse(invalid)).as(invalid).isNull();
		}
	}

	@Test
	void severalExpiresLinesMeanExpiredAndAnAgeListCountsItsFirstMember() {
		HttpHeaders headers = new DefaultHttpHeaders().add("Date", "Mon, 23 Nov 2026 12:00:00 GMT")
			.add("Expires", "Mon, 23 Nov 2026 13:00:00 GMT")
			.add("Expires", "Mon, 23 Nov 2026 14:00:00 GMT");
		assertThat(Freshness.lifetime(200, CacheControl.of(headers), headers, NOW)).isZero();
		HttpHeaders aged = new DefaultHttpHeaders().add("Age", "7200, 0");
		assertThat(Freshness.initialAge(aged, NOW, NOW)).isEqualTo(Duration.ofSeconds(7200));
	}

	@Test
	void cdnCacheControlTakesPrecedenceOverCacheControlAndExpires() {
		dev.pingora.http.RequestHeader request = dev.pingora.http.RequestHeader.of(HttpMethod.GET, "/");
		dev.pingora.http.ResponseHeader fresh = dev.pingora.http.ResponseHeader.of(200);
		fresh.headers().add("CDN-Cache-Control", "max-age=600").add("Cache-Control", "no-store");
		Cacheability decision = Cacheability.rfc9111(request, fresh, NOW, NOW);
		assertThat(decision).isInstanceOf(Cacheability.Cacheable.class);
		assertThat(((Cacheability.Cacheable) decision).meta().freshFor()).isEqualTo(Duration.ofSeconds(600));
		dev.pingora.http.ResponseHeader refused = dev.pingora.http.ResponseHeader.of(200);
		refused.headers().add("CDN-Cache-Control", "private").add("Cache-Control", "max-age=600");
		assertThat(Cacheability.rfc9111(request, refused, NOW, NOW)).isInstanceOf(Cacheability.Uncacheable.class);
	}

}
