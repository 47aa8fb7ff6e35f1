// Progressive enhancement only: every task can be completed without JavaScript.
import { initAll } from "../vendor/nhsuk/nhsuk-frontend.min.js";

initAll();
