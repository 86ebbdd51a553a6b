// Test helpers: provider stand-ins and signers. Never imported by production code.
export { startStandIn, type StandIn, type StandInHandler, type StandInReply, type StandInRequest } from './stand-in';
export { startGraphStandIn } from './graph-stand-in';
export { startSmtpStandIn, type ReceivedMail } from './smtp-stand-in';
export { inboundRequest, verifyContext, formBody, multipartBody } from './inbound';
export { sign } from './sign';
export { loopback } from './egress';
