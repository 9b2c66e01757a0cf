'use strict';
// The failure converter of every Temporal client and worker and of the workflow bundle (lib/temporal-codec.ts):
// a failure's message and stack trace travel as an encoded payload, so the payload codec encrypts them like
// any other payload (a refusal can name a person). Plain CommonJS: the SDK require()s it by path, and webpack
// bundles it into the workflow code.
const { DefaultFailureConverter } = require('@temporalio/common');

exports.failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });
