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

import java.io.File;

import io.netty.pkitesting.CertificateBuilder;
import io.netty.pkitesting.X509Bundle;

/**
 * A test CA and a server certificate it issued for one DNS name, as PEM files.
 *
 * @param rootPem the CA certificate
 * @param chain the server certificate chain
 * @param key the server private key
 */
public record TestCertificates(File rootPem, File chain, File key) {

	/**
	 * Issue a server certificate for a DNS name from a new test CA.
	 */
	public static TestCertificates issue(String dnsName) throws Exception {
		X509Bundle root = new CertificateBuilder().subject("CN=Test Root CA")
			.setIsCertificateAuthority(true)
			.buildSelfSigned();
		X509Bundle leaf = new CertificateBuilder().subject("CN=" + dnsName)
			.addSanDnsName(dnsName)
			.addExtendedKeyUsageServerAuth()
			.buildIssuedBy(root);
		return new TestCertificates(root.toTempRootCertPem(), leaf.toTempCertChainPem(), leaf.toTempPrivateKeyPem());
	}

}
