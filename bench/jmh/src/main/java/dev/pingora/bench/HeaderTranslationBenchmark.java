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

package dev.pingora.bench;

import java.util.concurrent.TimeUnit;

import dev.pingora.http.HopByHopHeaders;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.HttpHeaders;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Cost of translating header sections the way the engine does once per direction: the
 * downstream request's fields copied into the upstream request without the hop-by-hop
 * ones ({@link HopByHopHeaders#copyEndToEnd}), and the upstream response's into the
 * downstream response. The request is a typical browser request (12 fields, hop-by-hop
 * {@code Connection} and {@code Keep-Alive} among them), the response a typical API
 * response (9 fields). {@code *Unvalidated} copies into a header map that does not
 * validate names and values, for comparison.
 *
 * <pre>
 * java -jar bench/jmh/target/pingora-benchmarks.jar HeaderTranslationBenchmark
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class HeaderTranslationBenchmark {

	private HttpHeaders request;

	private HttpHeaders response;

	@Setup
	public void setUp() {
		this.request = new DefaultHttpHeaders().add("Host", "api.example.com")
			.add("User-Agent", "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0")
			.add("Accept", "application/json, text/plain, */*")
			.add("Accept-Language", "en-US,en;q=0.5")
			.add("Accept-Encoding", "gzip, deflate, br, zstd")
			.add("Referer", "https://www.example.com/app/orders")
			.add("Origin", "https://www.example.com")
			.add("Cookie", "session=7d1f0c2a9b3e4f5a6b7c8d9e0f1a2b3c; theme=dark")
			.add("Authorization", "Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiI0MiJ9.c2lnbmF0dXJl")
			.add("X-Request-Id", "0f8e2a64-3c1b-4d2e-9a7f-5b6c7d8e9f00")
			.add("Connection", "keep-alive")
			.add("Keep-Alive", "timeout=5");
		this.response = new DefaultHttpHeaders().add("Content-Type", "application/json")
			.add("Content-Length", "1832")
			.add("Date", "Mon, 23 Nov 2026 09:00:00 GMT")
			.add("Cache-Control", "private, max-age=0")
			.add("ETag", "\"33a64df551425fcc55e4d42a148795d9f25f89d4\"")
			.add("Vary", "Accept-Encoding")
			.add("Server", "origin")
			.add("Connection", "keep-alive")
			.add("Keep-Alive", "timeout=60");
	}

	@Benchmark
	public HttpHeaders requestToUpstream() {
		return HopByHopHeaders.copyEndToEnd(this.request, new DefaultHttpHeaders());
	}

	@Benchmark
	public HttpHeaders responseToDownstream() {
		return HopByHopHeaders.copyEndToEnd(this.response, new DefaultHttpHeaders());
	}

	@Benchmark
	public HttpHeaders requestToUpstreamUnvalidated() {
		return HopByHopHeaders.copyEndToEnd(this.request,
				DefaultHttpHeadersFactory.headersFactory().withValidation(false).newHeaders());
	}

}
