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

import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.websocket.WebsocketInbound;
import reactor.netty.http.websocket.WebsocketOutbound;

/**
 * Relays WebSocket frames between the client and the upstream once both handshakes are
 * done. Data frames pass as they are, in both directions at once; ping and pong are
 * answered on each hop; a close on either side is passed on with its status code and
 * reason, and the relay ends when both directions have ended.
 */
final class WebsocketRelay {

	private WebsocketRelay() {
	}

	static Publisher<Void> relay(WebsocketInbound clientIn, WebsocketOutbound clientOut, WebsocketInbound upstreamIn,
			WebsocketOutbound upstreamOut) {
		Mono<Void> toUpstream = pipe(clientIn, upstreamOut);
		Mono<Void> toClient = pipe(upstreamIn, clientOut);
		return Mono.when(toUpstream, toClient);
	}

	private static Mono<Void> pipe(WebsocketInbound in, WebsocketOutbound out) {
		Flux<WebSocketFrame> frames = in.receiveFrames().map(WebSocketFrame::retain);
		return out.sendObject(frames)
			.then()
			.then(in.receiveCloseStatus()
				.defaultIfEmpty(WebSocketCloseStatus.NORMAL_CLOSURE)
				.flatMap((status) -> out.sendClose(status.code(), status.reasonText())))
			.onErrorResume((ex) -> out.sendClose(WebSocketCloseStatus.ENDPOINT_UNAVAILABLE.code(), null)
				.onErrorResume((ignored) -> Mono.empty()));
	}

}
