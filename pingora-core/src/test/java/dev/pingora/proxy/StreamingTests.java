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

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32;

import dev.pingora.test.ForwardingGatewayMain;
import dev.pingora.test.RawHttpClient;
import dev.pingora.test.TestOrigin;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.HttpHeaderNames;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests that bodies stream: 256 MiB each way through a gateway JVM whose heap is 96 MiB,
 * with Content-Length and chunked framing, and a response that arrives before the upload
 * ends.
 */
class StreamingTests {

	private static final long BIG = 256L * 1024 * 1024;

	private static final int CHUNK = 64 * 1024;

	private static final byte[] PATTERN = pattern();

	private static TestOrigin origin;

	private static Process gateway;

	private static Path gatewayLog;

	private static int port;

	@BeforeAll
	static void start(@TempDir Path temp) throws Exception {
		origin = TestOrigin.start((request, response) -> {
			String uri = request.uri();
			if (uri.startsWith("/download/")) {
				long size = Long.parseLong(
						uri.substring("/download/".length(), uri.indexOf('?') > 0 ? uri.indexOf('?') : uri.length()));
				if (!uri.endsWith("?chunked")) {
					response.header(HttpHeaderNames.CONTENT_LENGTH, Long.toString(size));
				}
				return response.send(generate(size));
			}
			if (uri.equals("/upload")) {
				CRC32 crc = new CRC32();
				AtomicLong count = new AtomicLong();
				return request.receive().doOnNext((buffer) -> {
					count.addAndGet(buffer.readableBytes());
					crc.update(buffer.nioBuffer());
				}).then(Mono.defer(() -> response.sendString(Mono.just(count.get() + " " + crc.getValue())).then()));
			}
			if (uri.equals("/early")) {
				return response.status(413).sendString(Mono.just("too large"));
			}
			return response.status(404).send();
		});
		gatewayLog = temp.resolve("gateway.log");
		String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
		List<String> command = new ArrayList<>(List.of(java, "-Xmx96m", "-Xms96m", "-XX:MaxDirectMemorySize=96m", "-cp",
				System.getProperty("java.class.path"), ForwardingGatewayMain.class.getName(),
				Integer.toString(origin.port())));
		gateway = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(gatewayLog.toFile()).start();
		Pattern portLine = Pattern.compile("PORT=(\\d+)");
		await().atMost(Duration.ofSeconds(30)).until(() -> {
			Matcher matcher = portLine.matcher(Files.readString(gatewayLog));
			if (matcher.find()) {
				port = Integer.parseInt(matcher.group(1));
				return true;
			}
			assertThat(gateway.isAlive()).as("gateway JVM is alive; its log:%n%s", Files.readString(gatewayLog))
				.isTrue();
			return false;
		});
	}

	@AfterAll
	static void stop() throws Exception {
		if (gateway != null) {
			gateway.destroy();
			if (!gateway.waitFor(10, TimeUnit.SECONDS)) {
				gateway.destroyForcibly();
			}
			String log = Files.readString(gatewayLog);
			assertThat(log).doesNotContain("OutOfMemoryError").doesNotContain("LEAK:");
		}
		if (origin != null) {
			origin.close();
		}
	}

	@Test
	void a256MiBDownloadWithContentLengthStreamsThroughA96MiBHeap() throws Exception {
		HttpResponse<InputStream> response = client().send(get("/download/" + BIG),
				HttpResponse.BodyHandlers.ofInputStream());
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.headers().firstValueAsLong("content-length")).hasValue(BIG);
		assertThat(readAll(response.body())).isEqualTo(expected(BIG));
	}

	@Test
	void a256MiBChunkedUploadStreamsThroughA96MiBHeap() throws Exception {
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/upload"))
			.POST(HttpRequest.BodyPublishers.ofInputStream(() -> new PatternStream(BIG)))
			.build();
		HttpResponse<String> response = client().send(request, HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.body()).isEqualTo(expected(BIG).toString());
		assertThat(origin.lastRequest().headers().get("Transfer-Encoding")).isEqualTo("chunked");
	}

	@Test
	void aChunkedDownloadAndAContentLengthUploadStreamToo() throws Exception {
		long size = 8L * 1024 * 1024 + 17;
		HttpResponse<InputStream> download = client().send(get("/download/" + size + "?chunked"),
				HttpResponse.BodyHandlers.ofInputStream());
		assertThat(download.headers().firstValue("transfer-encoding")).hasValue("chunked");
		assertThat(readAll(download.body())).isEqualTo(expected(size));

		HttpRequest upload = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/upload"))
			.POST(HttpRequest.BodyPublishers
				.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(() -> new PatternStream(size)), size))
			.build();
		HttpResponse<String> response = client().send(upload, HttpResponse.BodyHandlers.ofString());
		assertThat(response.body()).isEqualTo(expected(size).toString());
		assertThat(origin.lastRequest().headers().get("Content-Length")).isEqualTo(Long.toString(size));
	}

	@Test
	void theOriginMayAnswerBeforeTheUploadEnds() {
		try (RawHttpClient client = new RawHttpClient(port)) {
			client.send("POST /early HTTP/1.1\r\nHost: a\r\nContent-Length: 10485760\r\n\r\n");
			client.send(new byte[CHUNK]);
			RawHttpClient.Response response = client.read(false);
			assertThat(response.status()).isEqualTo(413);
			assertThat(response.text()).isEqualTo("too large");
		}
	}

	private static HttpClient client() {
		return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
	}

	private static HttpRequest get(String path) {
		return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).GET().build();
	}

	private static Flux<ByteBuf> generate(long size) {
		long chunks = (size + CHUNK - 1) / CHUNK;
		return Flux.range(0, (int) chunks).map((index) -> {
			int length = (int) Math.min(CHUNK, size - (long) index * CHUNK);
			return ByteBufAllocator.DEFAULT.buffer(length).writeBytes(PATTERN, 0, length);
		});
	}

	private static Result readAll(InputStream body) throws IOException {
		try (body) {
			CRC32 crc = new CRC32();
			byte[] buffer = new byte[CHUNK];
			long count = 0;
			int n;
			while ((n = body.read(buffer)) > 0) {
				crc.update(buffer, 0, n);
				count += n;
			}
			return new Result(count, crc.getValue());
		}
	}

	private static Result expected(long size) {
		CRC32 crc = new CRC32();
		for (long done = 0; done < size; done += CHUNK) {
			crc.update(PATTERN, 0, (int) Math.min(CHUNK, size - done));
		}
		return new Result(size, crc.getValue());
	}

	private static byte[] pattern() {
		byte[] pattern = new byte[CHUNK];
		byte[] text = "pingora streams bodies ".getBytes(StandardCharsets.US_ASCII);
		for (int i = 0; i < pattern.length; i++) {
			pattern[i] = text[i % text.length];
		}
		return pattern;
	}

	private record Result(long count, long crc) {

		@Override
		public String toString() {
			return this.count + " " + this.crc;
		}

	}

	/**
	 * The body pattern, repeated every {@value #CHUNK} bytes, up to a size.
	 */
	private static final class PatternStream extends InputStream {

		private final long size;

		private long position;

		PatternStream(long size) {
			this.size = size;
		}

		@Override
		public int read() {
			if (this.position >= this.size) {
				return -1;
			}
			return PATTERN[(int) (this.position++ % CHUNK)];
		}

		@Override
		public int read(byte[] buffer, int offset, int length) {
			if (this.position >= this.size) {
				return -1;
			}
			int start = (int) (this.position % CHUNK);
			int n = (int) Math.min(Math.min(length, CHUNK - start), this.size - this.position);
			System.arraycopy(PATTERN, start, buffer, offset, n);
			this.position += n;
			return n;
		}

	}

}
