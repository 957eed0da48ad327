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
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.*;
import io.netty.channel.epoll.*;
import io.netty.handler.codec.http.*;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;

/** Upper bound: raw Netty proxy, one event loop, pooled upstream channels (LIFO), streaming. */
public class RawProxy {
    static final InetSocketAddress ORIGIN = new InetSocketAddress("127.0.0.1", Integer.getInteger("origin", 28480));
    static final ArrayDeque<Channel> idle = new ArrayDeque<>();
    static EventLoopGroup group;

    public static void main(String[] args) throws Exception {
        group = new EpollEventLoopGroup(1);
        new ServerBootstrap().group(group).channel(EpollServerSocketChannel.class)
            .childHandler(new ChannelInitializer<Channel>() {
                protected void initChannel(Channel ch) {
                    ch.pipeline().addLast(new HttpServerCodec(), new Downstream());
                }
            }).bind(Integer.getInteger("port", 28481)).sync();
        System.out.println("listening");
        Thread.currentThread().join();
    }

    static final class Downstream extends ChannelInboundHandlerAdapter {
        Channel upstream;
        java.util.List<Object> pending = new java.util.ArrayList<>();
        @Override public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof HttpRequest req) {
                req.headers().remove(HttpHeaderNames.CONNECTION);
                Channel up = idle.pollLast();
                if (up != null && up.isActive()) { bind(ctx, up); up.write(msg); }
                else {
                    pending.add(msg);
                    new Bootstrap().group(ctx.channel().eventLoop()).channel(EpollSocketChannel.class)
                        .option(ChannelOption.TCP_NODELAY, true)
                        .handler(new ChannelInitializer<Channel>() {
                            protected void initChannel(Channel ch) { ch.pipeline().addLast(new HttpClientCodec(), new Upstream()); }
                        }).connect(ORIGIN).addListener((ChannelFutureListener) f -> {
                            bind(ctx, f.channel());
                            for (Object o : pending) f.channel().write(o);
                            pending.clear();
                            f.channel().flush();
                        });
                }
            } else if (upstream != null) {
                upstream.write(msg);
                if (msg instanceof LastHttpContent) upstream.flush();
            } else { pending.add(msg); }
        }
        void bind(ChannelHandlerContext ctx, Channel up) { upstream = up; up.pipeline().get(Upstream.class).downstream = ctx.channel(); }
        @Override public void channelReadComplete(ChannelHandlerContext ctx) { if (upstream != null) upstream.flush(); }
    }

    static final class Upstream extends ChannelInboundHandlerAdapter {
        Channel downstream;
        @Override public void channelRead(ChannelHandlerContext ctx, Object msg) {
            Channel d = downstream;
            if (msg instanceof HttpResponse res) { res.headers().remove(HttpHeaderNames.CONNECTION); }
            d.write(msg);
            if (msg instanceof LastHttpContent) {
                d.flush();
                downstream = null;
                idle.addLast(ctx.channel());
            }
        }
        @Override public void channelReadComplete(ChannelHandlerContext ctx) { if (downstream != null) downstream.flush(); }
    }
}
