/** Hand-written JSON reading and writing, because the sample must stay JDK-only. */
package io.tokenguard.sample.json;
