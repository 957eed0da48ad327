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

package dev.pingora.internal;

import io.netty.handler.codec.http2.DefaultHttp2RemoteFlowController;
import io.netty.handler.codec.http2.Http2Connection;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.WeightedFairQueueByteDistributor;
import io.netty.handler.flush.FlushConsolidationHandler;

/**
 * What the engine changes in Netty's HTTP/2 frame codec, on both sides.
 */
public final class Http2Codecs {

	/**
	 * The most body bytes one stream writes per turn of the flow controller.
	 */
	public static final int DATA_QUANTUM = 16 * 1024;

	private Http2Codecs() {
	}

	/**
	 * The name of the {@link #consolidatedFlushes() flush consolidation} handler.
	 */
	public static final String FLUSHES = "pingora.h2.flushes";

	/**
	 * A handler, put before the frame codec, that turns the flushes of all streams in one
	 * event loop turn into one write to the socket: every stream flushes its own writes.
	 * @return a new handler
	 */
	public static FlushConsolidationHandler consolidatedFlushes() {
		return new FlushConsolidationHandler(256, true);
	}

	/**
	 * Write bodies in DATA frames of up to {@link #DATA_QUANTUM} bytes per stream turn.
	 * Netty's default interleaves streams by 1 KiB, which costs a socket write entry, a
	 * promise and a frame header per KiB of every body. Call before the codec is added to
	 * a pipeline.
	 * @param codec a new frame codec
	 * @return the codec
	 */
	public static Http2FrameCodec coarseDataFrames(Http2FrameCodec codec) {
		Http2Connection connection = codec.connection();
		WeightedFairQueueByteDistributor distributor = new WeightedFairQueueByteDistributor(connection);
		distributor.allocationQuantum(DATA_QUANTUM);
		connection.remote().flowController(new DefaultHttp2RemoteFlowController(connection, distributor));
		return codec;
	}

}
