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

package dev.pingora.test;

import dev.pingora.proxy.ProxyHttp;
import dev.pingora.proxy.Session;
import dev.pingora.upstream.HttpPeer;
import reactor.core.publisher.Mono;

/**
 * A {@link ProxyHttp} that sends every request to one peer and overrides nothing else;
 * tests extend it to override the phase they look at.
 */
public class ForwardingProxy implements ProxyHttp<Object> {

	private final HttpPeer peer;

	public ForwardingProxy(HttpPeer peer) {
		this.peer = peer;
	}

	public ForwardingProxy(int port) {
		this(HttpPeer.of("127.0.0.1", port));
	}

	@Override
	public Object newCtx() {
		return Boolean.TRUE;
	}

	@Override
	public Mono<HttpPeer> upstreamPeer(Session session, Object ctx) {
		return Mono.just(this.peer);
	}

}
