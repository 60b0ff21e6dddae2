// rate-limiter-flexible declares RateLimiterStoreAbstract (the base class of its database stores)
// in its types but does not export it from its index: lib/services/sign-in-throttle.ts imports it
// from its own file to give the limiter a store on Arbiter's engine.
declare module "rate-limiter-flexible/lib/RateLimiterStoreAbstract" {
  import { RateLimiterStoreAbstract } from "rate-limiter-flexible";
  export = RateLimiterStoreAbstract;
}
