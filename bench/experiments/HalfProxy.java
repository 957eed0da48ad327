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

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.*;
import io.netty.channel.epoll.*;
import io.netty.handler.codec.http.*;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import reactor.core.publisher.*;
import reactor.netty.http.server.HttpServer;
import reactor.netty.resources.LoopResources;

/** Reactor Netty HttpServer downstream, raw Netty pooled upstream. */
public class HalfProxy {
    static final InetSocketAddress ORIGIN = new InetSocketAddress("127.0.0.1", Integer.getInteger("origin", 28480));
    static final ArrayDeque<Channel> idle = new ArrayDeque<>();

    public static void main(String[] args) throws Exception {
        LoopResources loops = LoopResources.create("half", 1, true);
        HttpServer.create().port(Integer.getInteger("port", 28481)).runOn(loops)
            .handle((req, res) -> {
                Sinks.One<HttpResponse> head = Sinks.one();
                Sinks.Many<ByteBuf> body = Sinks.many().unicast().onBackpressureBuffer();
                Mono<Channel> acquire = Mono.create(sink -> req.withConnection(conn -> {
                    Channel up = idle.pollLast();
                    if (up != null && up.isActive()) { sink.success(up); return; }
                    new Bootstrap().group(conn.channel().eventLoop()).channel(EpollSocketChannel.class)
                        .option(ChannelOption.TCP_NODELAY, true)
                        .handler(new ChannelInitializer<Channel>() {
                            protected void initChannel(Channel ch) { ch.pipeline().addLast(new HttpClientCodec(), new Upstream()); }
                        }).connect(ORIGIN).addListener((ChannelFutureListener) f -> {
                            if (f.isSuccess()) sink.success(f.channel()); else sink.error(f.cause());
                        });
                }));
                return acquire.flatMap(up -> {
                    Upstream u = up.pipeline().get(Upstream.class);
                    u.head = head; u.body = body;
                    DefaultFullHttpRequest out = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, req.method(), req.uri());
                    out.headers().set(req.requestHeaders()).remove(HttpHeaderNames.CONNECTION);
                    up.writeAndFlush(out);
                    return head.asMono().flatMap(r -> {
                        res.status(r.status());
                        res.responseHeaders().set(r.headers()).remove(HttpHeaderNames.CONNECTION);
                        return res.send(body.asFlux()).then();
                    });
                });
            }).bindNow();
        System.out.println("listening");
        Thread.currentThread().join();
    }

    static final class Upstream extends ChannelInboundHandlerAdapter {
        Sinks.One<HttpResponse> head; Sinks.Many<ByteBuf> body;
        @Override public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof HttpResponse r) head.tryEmitValue(r);
            if (msg instanceof HttpContent c) {
                if (c.content().isReadable()) body.tryEmitNext(c.content()); else c.release();
                if (msg instanceof LastHttpContent) { body.tryEmitComplete(); idle.addLast(ctx.channel()); }
            }
        }
    }
}
