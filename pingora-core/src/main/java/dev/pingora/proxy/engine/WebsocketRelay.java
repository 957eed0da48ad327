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
		// A close frame ends its side at once (Reactor Netty answers it and terminates
		// the
		// connection), so the status is passed on as soon as it arrives, not after the
		// relay.
		passClose(clientIn, upstreamOut);
		passClose(upstreamIn, clientOut);
		Mono<Void> toUpstream = upstreamOut.sendObject(frames(clientIn)).then();
		Mono<Void> toClient = clientOut.sendObject(frames(upstreamIn)).then();
		return Mono.when(toUpstream, toClient).onErrorResume((ex) -> Mono.empty());
	}

	private static Flux<WebSocketFrame> frames(WebsocketInbound in) {
		return in.receiveFrames().map(WebSocketFrame::retain);
	}

	private static void passClose(WebsocketInbound in, WebsocketOutbound out) {
		in.receiveCloseStatus()
			.flatMap((status) -> out.sendClose(status.code(), status.reasonText()))
			.onErrorResume((ex) -> Mono.empty())
			.subscribe();
	}

}
