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

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.pingora.http.RequestHeader;
import dev.pingora.routing.Route;
import dev.pingora.routing.RouteTable;
import io.netty.handler.codec.http.HttpMethod;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Cost of finding a request's route in a {@link RouteTable} of 10 and of 10,000 routes:
 * the lookup is indexed (host, then path prefix), so it should not grow with the number
 * of routes. Each invocation looks up a request that matches (a route in the middle of
 * the table) and one that matches nothing but the catch-all.
 *
 * <pre>
 * java -jar bench/jmh/target/pingora-benchmarks.jar RouteLookupBenchmark
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class RouteLookupBenchmark {

	@Param({ "10", "10000" })
	int routes;

	private RouteTable table;

	private RequestHeader hit;

	private RequestHeader miss;

	@Setup
	public void setUp() {
		List<Route> list = new ArrayList<>();
		int hosts = Math.max(1, this.routes / 100);
		for (int i = 0; i < this.routes; i++) {
			list.add(Route.builder("route-" + i, "upstream")
				.host("h" + (i % hosts) + ".example.com")
				.pathPrefix("/api/v" + i)
				.build());
		}
		list.add(Route.builder("catch-all", "upstream").build());
		this.table = RouteTable.of(list);
		int middle = this.routes / 2;
		this.hit = RequestHeader.of(HttpMethod.GET, "/api/v" + middle + "/users/42?expand=true")
			.setHeader("Host", "h" + (middle % hosts) + ".example.com");
		this.miss = RequestHeader.of(HttpMethod.GET, "/static/app.js").setHeader("Host", "www.example.com");
	}

	@Benchmark
	public void lookup(Blackhole blackhole) {
		blackhole.consume(this.table.match(this.hit));
		blackhole.consume(this.table.match(this.miss));
	}

}
