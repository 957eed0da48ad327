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

package dev.pingora.proxy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.pingora.server.Listener;
import dev.pingora.server.Server;
import dev.pingora.server.ServerConf;
import dev.pingora.server.TlsSettings;
import dev.pingora.test.RecordingProxyHttp;
import dev.pingora.test.TestCertificates;
import dev.pingora.test.TestResources;
import dev.pingora.upstream.Alpn;
import dev.pingora.upstream.HttpPeer;
import dev.pingora.upstream.PeerOptions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * gRPC through the gateway with grpc-java on both ends: h2c or h2 over TLS from the
 * client, HTTP/2 streams to the server; unary and server-streaming calls, and a failing
 * call whose {@code grpc-status} and message arrive intact.
 */
class GrpcTests {

	private static final MethodDescriptor.Marshaller<String> TEXT = new MethodDescriptor.Marshaller<>() {

		@Override
		public InputStream stream(String value) {
			return new ByteArrayInputStream(value.getBytes(StandardCharsets.UTF_8));
		}

		@Override
		public String parse(InputStream stream) {
			try {
				return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}

	};

	private static final MethodDescriptor<String, String> SAY = MethodDescriptor.<String, String>newBuilder()
		.setType(MethodDescriptor.MethodType.UNARY)
		.setFullMethodName("test.Echo/Say")
		.setRequestMarshaller(TEXT)
		.setResponseMarshaller(TEXT)
		.build();

	private static final MethodDescriptor<String, String> COUNT = MethodDescriptor.<String, String>newBuilder()
		.setType(MethodDescriptor.MethodType.SERVER_STREAMING)
		.setFullMethodName("test.Echo/Count")
		.setRequestMarshaller(TEXT)
		.setResponseMarshaller(TEXT)
		.build();

	@RegisterExtension
	final TestResources resources = new TestResources();

	@Test
	void unaryStreamingAndFailingCallsPassThroughOverH2c() throws Exception {
		HttpPeer peer = grpcPeer();
		Server gateway = this.resources.gateway(new RecordingProxyHttp((attempt) -> peer));
		ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", gateway.port()).usePlaintext().build();
		this.resources.add(() -> channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS));
		assertCallsPassThrough(channel);
	}

	@Test
	void callsPassThroughOverTls() throws Exception {
		TestCertificates certificates = TestCertificates.issue("grpc.test");
		HttpPeer peer = grpcPeer();
		Server gateway = Server.builder()
			.conf(ServerConf.builder().threads(1).build())
			.listen(Listener.tcp("127.0.0.1", 0)
				.withTls(TlsSettings.builder()
					.certificate(certificates.chain().toPath(), certificates.key().toPath())
					.build()))
			.proxy(new RecordingProxyHttp((attempt) -> peer))
			.build()
			.start();
		this.resources.add(() -> gateway.shutdown(Duration.ZERO));
		ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", gateway.port())
			.overrideAuthority("grpc.test")
			.sslContext(GrpcSslContexts.forClient().trustManager(certificates.rootPem()).build())
			.build();
		this.resources.add(() -> channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS));
		assertCallsPassThrough(channel);
	}

	private HttpPeer grpcPeer() throws IOException {
		io.grpc.Server grpcServer = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
			.addService(ServerServiceDefinition.builder("test.Echo")
				.addMethod(SAY, ServerCalls.asyncUnaryCall((request, responses) -> {
					if (request.equals("fail")) {
						responses.onError(Status.NOT_FOUND.withDescription("no such thing").asRuntimeException());
						return;
					}
					responses.onNext("echo " + request);
					responses.onCompleted();
				}))
				.addMethod(COUNT, ServerCalls.asyncServerStreamingCall((request, responses) -> {
					for (int i = 1; i <= 3; i++) {
						responses.onNext(request + " " + i);
					}
					responses.onCompleted();
				}))
				.build())
			.build()
			.start();
		this.resources.add(() -> grpcServer.shutdownNow().awaitTermination(5, TimeUnit.SECONDS));
		return HttpPeer.of("127.0.0.1", grpcServer.getPort()).withOptions(PeerOptions.defaults().withAlpn(Alpn.H2));
	}

	private static void assertCallsPassThrough(ManagedChannel channel) {
		CallOptions options = CallOptions.DEFAULT.withDeadlineAfter(Duration.ofSeconds(10).toMillis(),
				TimeUnit.MILLISECONDS);
		assertThat(ClientCalls.blockingUnaryCall(channel, SAY, options, "hello")).isEqualTo("echo hello");
		List<String> counted = new ArrayList<>();
		Iterator<String> stream = ClientCalls.blockingServerStreamingCall(channel, COUNT, options, "n");
		stream.forEachRemaining(counted::add);
		assertThat(counted).containsExactly("n 1", "n 2", "n 3");
		assertThatExceptionOfType(StatusRuntimeException.class)
			.isThrownBy(() -> ClientCalls.blockingUnaryCall(channel, SAY, options, "fail"))
			.satisfies((failure) -> {
				assertThat(failure.getStatus().getCode()).as(failure.getStatus().toString())
					.isEqualTo(Status.Code.NOT_FOUND);
				assertThat(failure.getStatus().getDescription()).isEqualTo("no such thing");
			});
	}

}
