import { mount } from "svelte";
import "./app.css";
import App from "./App.svelte";
import { app } from "./lib/state.svelte";

// Ask the shell for what the first screen needs (profiles, practice) before drawing anything,
// and mount once it is in: the first layout and paint are then those of the real first screen
// (Find a user, or Add profile), not of a placeholder laid out and painted first and then
// again. Software rendering makes each of those costly. Should the answers be slow, the shell
// is mounted anyway after a short wait and fills in when they come.
const loaded = app.init();
const wait = new Promise<void>((resolve) => setTimeout(resolve, 300));
await Promise.race([loaded, wait]);
mount(App, { target: document.getElementById("app")!, props: { loaded } });
