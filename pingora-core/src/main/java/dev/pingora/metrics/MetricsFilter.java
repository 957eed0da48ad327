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

package dev.pingora.metrics;

import java.time.Duration;
import java.util.Objects;
import java.util.Set;

import dev.pingora.error.ProxyError;
import dev.pingora.http.ResponseHeader;
import dev.pingora.proxy.ProxyFilter;
import dev.pingora.proxy.Session;
import dev.pingora.proxy.TimingDigest;
import dev.pingora.routing.RoutingProxy;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * Records {@link PingoraMeters} for every request in the {@code logging} phase, from the
 * session's {@link TimingDigest}. The route and upstream tags come from the session
 * attributes {@link RoutingProxy#ROUTE} and {@link RoutingProxy#UPSTREAM}; a custom
 * {@code ProxyHttp} may set them too. Tag values are bounded (see
 * {@link PingoraMeters.Tag}).
 *
 * @since 0.1.0
 */
public final class MetricsFilter implements ProxyFilter {

	private static final String NONE = "none";

	private static final Set<String> METHODS = Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS",
			"TRACE", "PATCH");

	private static final String[] STATUS_CLASSES = { NONE, "1xx", "2xx", "3xx", "4xx", "5xx" };

	private final Meter.MeterProvider<Timer> requests;

	private final Meter.MeterProvider<Timer> connect;

	private final Meter.MeterProvider<Timer> firstByte;

	/**
	 * Create the filter.
	 * @param registry where to record
	 */
	public MetricsFilter(MeterRegistry registry) {
		Objects.requireNonNull(registry, "registry");
		this.requests = Timer.builder(PingoraMeters.REQUESTS.meterName())
			.description("Requests through the proxy, from request header to the end of the response")
			.publishPercentileHistogram()
			.withRegistry(registry);
		this.connect = Timer.builder(PingoraMeters.UPSTREAM_CONNECT.meterName())
			.description("Time to establish new upstream connections")
			.publishPercentileHistogram()
			.withRegistry(registry);
		this.firstByte = Timer.builder(PingoraMeters.UPSTREAM_FIRST_BYTE.meterName())
			.description("Time from sending the upstream request to the first byte of its response")
			.publishPercentileHistogram()
			.withRegistry(registry);
	}

	@Override
	public Mono<Void> logging(Session session, @Nullable ProxyError error) {
		TimingDigest timing = session.timing();
		String upstream = tagValue(session.attribute(RoutingProxy.UPSTREAM));
		Tags tags = Tags.of(PingoraMeters.Tag.ROUTE.key(), tagValue(session.attribute(RoutingProxy.ROUTE)),
				PingoraMeters.Tag.UPSTREAM.key(), upstream, PingoraMeters.Tag.METHOD.key(),
				method(session.requestHeader().method().name()), PingoraMeters.Tag.STATUS.key(), status(session));
		this.requests.withTags(tags).record(TimingDigest.between(timing.requestHeaderRead(), timing.done()));
		if (timing.upstreamConnected() != 0 && !timing.upstreamReused()) {
			this.connect.withTags(PingoraMeters.Tag.UPSTREAM.key(), upstream)
				.record(TimingDigest.between(timing.peerSelected(), timing.upstreamConnected()));
		}
		if (timing.firstResponseByte() != 0) {
			Duration sinceSent = TimingDigest.between(timing.requestSent(), timing.firstResponseByte());
			this.firstByte.withTags(PingoraMeters.Tag.UPSTREAM.key(), upstream).record(sinceSent);
		}
		return Mono.empty();
	}

	private static String tagValue(@Nullable Object value) {
		return (value != null) ? value.toString() : NONE;
	}

	private static String method(String method) {
		return METHODS.contains(method) ? method : "OTHER";
	}

	private static String status(Session session) {
		ResponseHeader response = session.responseWritten();
		if (response == null) {
			return NONE;
		}
		int statusClass = response.status() / 100;
		return (statusClass >= 1 && statusClass <= 5) ? STATUS_CLASSES[statusClass] : NONE;
	}

}
