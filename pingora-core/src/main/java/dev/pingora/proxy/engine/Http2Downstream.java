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

import java.util.List;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpServerUpgradeHandler;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2ServerUpgradeCodec;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;

import dev.pingora.internal.Http2Codecs;

/**
 * HTTP/2 on a client connection: the connection's HTTP/1 handlers give way to Netty's
 * HTTP/2 frame codec and multiplexer, and every stream becomes a channel of its own that
 * carries HTTP/1-style messages to the same engine handlers as an HTTP/1.1 connection
 * ({@link DownstreamGuard}, {@link DownstreamHandler}). Each stream is one request; the
 * phases see it as they see an HTTP/1.1 request.
 */
final class Http2Downstream {

	static final String FRAME_CODEC = "pingora.h2";

	static final String MULTIPLEX = "pingora.h2.streams";

	private Http2Downstream() {
	}

	/**
	 * Turn a connection set up for HTTP/1.1 into an HTTP/2 one.
	 */
	static void switchTo(Channel channel, HttpProxy<?> engine, Http2Options options) {
		leaveHttp1(channel);
		ChannelPipeline pipeline = channel.pipeline();
		pipeline.addLast(Http2Codecs.FLUSHES, Http2Codecs.consolidatedFlushes());
		pipeline.addLast(FRAME_CODEC, frameCodec(options));
		pipeline.addLast(MULTIPLEX, multiplex(engine));
	}

	/**
	 * Take the HTTP/1 handlers off a connection that becomes an HTTP/2 one. Flow control
	 * paces the client from now on; each stream reads only when asked.
	 */
	private static void leaveHttp1(Channel channel) {
		ChannelPipeline pipeline = channel.pipeline();
		for (String name : List.of(HttpProxy.HTTP_CODEC, DownstreamGuard.NAME, DownstreamHandler.NAME)) {
			if (pipeline.get(name) != null) {
				pipeline.remove(name);
			}
		}
		DownstreamHandler.forget(channel);
		channel.config().setAutoRead(true);
	}

	private static final io.netty.util.AttributeKey<Http2Options> H2C_UPGRADE = io.netty.util.AttributeKey
		.valueOf("pingora.h2c.upgrade");

	private static final String UPGRADE_HANDLER = "pingora.h2c.upgrade";

	/**
	 * Let a plain connection also switch to HTTP/2 when its first request asks with
	 * {@code Upgrade: h2c} (RFC 7540 §3.2).
	 */
	static void allowUpgrade(Channel channel, Http2Options options) {
		channel.attr(H2C_UPGRADE).set(options);
	}

	/**
	 * Whether a request asks to switch its plain connection to HTTP/2 and may: one
	 * {@code Upgrade: h2c}, {@code Connection} naming {@code upgrade} and
	 * {@code HTTP2-Settings}, one {@code HTTP2-Settings} field, and no body.
	 */
	static boolean isH2cUpgrade(Channel channel, HttpRequest request) {
		if (channel.attr(H2C_UPGRADE).get() == null) {
			return false;
		}
		HttpHeaders fields = request.headers();
		return "h2c".equalsIgnoreCase(fields.get(HttpHeaderNames.UPGRADE, "").trim())
				&& fields.getAll(Http2CodecUtil.HTTP_UPGRADE_SETTINGS_HEADER).size() == 1
				&& fields.containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE, true)
				&& fields.containsValue(HttpHeaderNames.CONNECTION, Http2CodecUtil.HTTP_UPGRADE_SETTINGS_HEADER, true)
				&& !fields.contains(HttpHeaderNames.TRANSFER_ENCODING)
				&& fields.getInt(HttpHeaderNames.CONTENT_LENGTH, 0) == 0;
	}

	/**
	 * Switch to HTTP/2 the way Netty's upgrade handler does: it answers 101, swaps the
	 * HTTP/1 handlers for the HTTP/2 ones and hands the request over as stream 1. It is
	 * put after the HTTP codec and given the request again; the rest of the request (its
	 * end) follows from the codec.
	 */
	static void upgradeH2c(Channel channel, HttpProxy<?> engine, HttpRequest request) {
		Http2Options options = channel.attr(H2C_UPGRADE).get();
		ChannelPipeline pipeline = channel.pipeline();
		HttpServerUpgradeHandler.SourceCodec leaving = (ctx) -> {
			// The HTTP/2 handlers take the upgrade handler's place, after the flushes.
			pipeline.addBefore(UPGRADE_HANDLER, Http2Codecs.FLUSHES, Http2Codecs.consolidatedFlushes());
			leaveHttp1(channel);
		};
		HttpServerUpgradeHandler upgrade = new HttpServerUpgradeHandler(leaving,
				(protocol) -> Http2CodecUtil.HTTP_UPGRADE_PROTOCOL_NAME.toString().contentEquals(protocol)
						? new Http2ServerUpgradeCodec(frameCodec(options), multiplex(engine)) : null);
		pipeline.addAfter(HttpProxy.HTTP_CODEC, UPGRADE_HANDLER, upgrade);
		pipeline.context(HttpProxy.HTTP_CODEC).fireChannelRead(request);
	}

	/**
	 * The frame codec, with response bodies in DATA frames of up to 16 KiB per stream
	 * turn ({@link Http2Codecs#coarseDataFrames}).
	 */
	private static Http2FrameCodec frameCodec(Http2Options options) {
		return Http2Codecs
			.coarseDataFrames(Http2FrameCodecBuilder.forServer().initialSettings(settings(options)).build());
	}

	private static Http2Settings settings(Http2Options options) {
		return Http2Settings.defaultSettings()
			.maxConcurrentStreams(options.maxConcurrentStreams())
			.initialWindowSize(options.initialWindowSize())
			.maxHeaderListSize(options.maxHeaderListSize());
	}

	private static Http2MultiplexHandler multiplex(HttpProxy<?> engine) {
		return new Http2MultiplexHandler(new ChannelInitializer<Http2StreamChannel>() {
			@Override
			protected void initChannel(Http2StreamChannel stream) {
				stream.pipeline().addLast(HttpProxy.HTTP_CODEC, new Http2StreamFrameToHttpObjectCodec(true));
				engine.initConnection(stream);
			}
		});
	}

	/**
	 * The settings of HTTP/2 connections.
	 *
	 * @param maxConcurrentStreams the most streams open at once
	 * @param initialWindowSize the flow-control window of a stream
	 * @param maxHeaderListSize the largest header list
	 */
	record Http2Options(int maxConcurrentStreams, int initialWindowSize, int maxHeaderListSize) {
	}

	/**
	 * On a plain listener, tells an HTTP/2 client that speaks first (prior knowledge: the
	 * connection preface) from an HTTP/1 one, and sets the connection up for it.
	 */
	static final class PriorKnowledge extends ByteToMessageDecoder {

		static final String NAME = "pingora.h2c";

		private static final ByteBuf PREFACE = Http2CodecUtil.connectionPrefaceBuf();

		private final HttpProxy<?> engine;

		private final Http2Options options;

		PriorKnowledge(HttpProxy<?> engine, Http2Options options) {
			this.engine = engine;
			this.options = options;
		}

		@Override
		protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
			int length = Math.min(in.readableBytes(), PREFACE.readableBytes());
			boolean prefix = io.netty.buffer.ByteBufUtil.equals(in, in.readerIndex(), PREFACE, 0, length);
			if (!prefix) {
				// HTTP/1: the bytes go on to the HTTP codec as they are.
				ctx.pipeline().remove(this);
				return;
			}
			if (length == PREFACE.readableBytes()) {
				switchTo(ctx.channel(), this.engine, this.options);
				ctx.pipeline().remove(this);
				return;
			}
			// Not enough bytes to tell yet.
			ctx.read();
		}

	}

}
