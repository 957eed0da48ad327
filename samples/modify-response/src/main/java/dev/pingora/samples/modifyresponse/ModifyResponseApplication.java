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

package dev.pingora.samples.modifyresponse;

import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.Locale;

import dev.pingora.http.RequestHeader;
import dev.pingora.http.ResponseHeader;
import dev.pingora.lb.Backend;
import dev.pingora.proxy.BodyChunk;
import dev.pingora.proxy.ProxyHttp;
import dev.pingora.proxy.Session;
import dev.pingora.upstream.HttpPeer;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpHeaderNames;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.dataformat.yaml.YAMLMapper;
import tools.jackson.dataformat.yaml.YAMLWriteFeature;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * A proxy that turns the JSON responses of its upstream into YAML: the body is buffered
 * in {@code responseBodyFilter} until it is complete, then converted and sent as one
 * piece. The upstream comes from {@code sample.upstream}.
 *
 * <p>
 * Pingora counterpart: {@code pingora-proxy/examples/modify_response.rs}.
 *
 * @since 0.1.0
 */
@SpringBootApplication
@EnableConfigurationProperties(ModifyResponseApplication.SampleProperties.class)
public class ModifyResponseApplication {

	public static void main(String[] args) {
		SpringApplication.run(ModifyResponseApplication.class, args);
	}

	@Bean
	JsonToYamlProxy jsonToYamlProxy(SampleProperties properties) {
		Backend upstream = Backend.parse(properties.upstream());
		return new JsonToYamlProxy(HttpPeer.of(upstream.host(), upstream.port()));
	}

	// tag::sample[]
	/**
	 * Converts {@code application/json} response bodies to YAML.
	 */
	static final class JsonToYamlProxy implements ProxyHttp<JsonToYamlProxy.Ctx> {

		private static final JsonMapper JSON = JsonMapper.shared();

		private static final YAMLMapper YAML = YAMLMapper.builder()
			.disable(YAMLWriteFeature.WRITE_DOC_START_MARKER)
			.enable(YAMLWriteFeature.MINIMIZE_QUOTES)
			.build();

		private final HttpPeer upstream;

		JsonToYamlProxy(HttpPeer upstream) {
			this.upstream = upstream;
		}

		@Override
		public Ctx newCtx() {
			return new Ctx();
		}

		@Override
		public Mono<HttpPeer> upstreamPeer(Session session, Ctx ctx) {
			return Mono.just(this.upstream);
		}

		@Override
		public Mono<Void> upstreamRequestFilter(Session session, RequestHeader upstreamRequest, Ctx ctx) {
			// The body must arrive uncompressed to be parsed.
			upstreamRequest.removeHeader(HttpHeaderNames.ACCEPT_ENCODING);
			return Mono.empty();
		}

		@Override
		public Mono<Void> responseFilter(Session session, ResponseHeader response, Ctx ctx) {
			String type = response.header(HttpHeaderNames.CONTENT_TYPE);
			ctx.json = type != null && type.toLowerCase(Locale.ROOT).startsWith("application/json");
			if (ctx.json) {
				// Another length: without Content-Length the body goes out chunked.
				response.removeHeader(HttpHeaderNames.CONTENT_LENGTH);
				response.setHeader(HttpHeaderNames.CONTENT_TYPE, "application/yaml");
			}
			return Mono.empty();
		}

		@Override
		public Duration responseBodyFilter(Session session, BodyChunk chunk, Ctx ctx) {
			if (!ctx.json) {
				return Duration.ZERO;
			}
			// The engine owns chunk.data(): copy the bytes, never release it.
			ctx.buffer.writeBytes(ByteBufUtil.getBytes(chunk.data()));
			if (!chunk.isEndOfStream()) {
				chunk.replace(Unpooled.EMPTY_BUFFER); // send nothing yet
			}
			else if (ctx.buffer.size() > 0) {
				byte[] yaml = YAML.writeValueAsBytes(JSON.readTree(ctx.buffer.toByteArray()));
				chunk.replace(Unpooled.wrappedBuffer(yaml));
			}
			return Duration.ZERO;
		}

		/**
		 * Whether the response is JSON, and its body so far.
		 */
		static final class Ctx {

			boolean json;

			final ByteArrayOutputStream buffer = new ByteArrayOutputStream();

		}

	}
	// end::sample[]

	/**
	 * Properties of the sample.
	 *
	 * @param upstream address of the upstream, host:port
	 */
	@ConfigurationProperties("sample")
	record SampleProperties(String upstream) {

	}

}
